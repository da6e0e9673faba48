// Decides which pop fires, from session TRANSITIONS (store.onEvent gives event, previous and
// next state, so nothing here diffs snapshots):
// - ring: call-offered (the agent's phone rings), and call-dialing when ringOnDial is set;
// - answer: call-answered (inbound: the agent went off-hook; outbound: the far end answered —
//   origin=2 tells the CRM which);
// - hangup: call-ended, for the call it ended (previous.call);
// - home: bare at start(), and with user (the empid) + sid (or the legacy form) on agent-logged-in.
// - wrapup: disposition-set (the agent picked a wrap-up code), with the finished call's nine
//   parameters plus `disposition` and `note`. The first code fires it once; a CORRECTION (a
//   different code or note for the same call) fires it again, keyed 'wrapup:2', 'wrapup:3'…,
//   because the CRM must end up with the code the agent settled on; the same code and note
//   submitted again fire nothing.
// Each fires at most once per (callId, kind): journal.claim() is the one place that decides
// it, and the file journal (pop-journal.ts) makes it hold across restarts. Hold, consults,
// transfers and a PBX link that drops and comes back never fire a pop by themselves; a driver
// that repeats an event after resyncing is absorbed by claim(). A call that continued across a
// restart of ctidesk gets a new callId from the session; journal.resume() maps it back, so
// its answer, hangup and wrapup pops carry the callid its ring pop carried.
//
// Latency: from the driver event's `at` to the launcher hand-off (latencyMs) and, for hidden
// pops, to the CRM's 2xx (deliveredMs). Event times are wall-clock ms; with `hrNow` the part
// after the event reached the service is measured with a sub-millisecond clock.
import type {Clock} from '../cti/driver.js';
import type {Call, CallRecord, SessionEvent, SessionState} from '../core/types.js';
import type {ActivityLog} from '../session/activity-log.js';
import type {EventListener} from '../session/session-store.js';
import type {Fallback, Launcher, PopKind, PopMode} from './launcher.js';
import {createHash} from 'node:crypto';
import type {PopJournal} from './pop-journal.js';
import {createMemoryJournal, wrapUpDigest} from './pop-journal.js';
import type {LoginParams, WrapUpParameters} from './pop-url.js';
import {buildHomeUrl, buildPopUrl, maskUrlSecrets} from './pop-url.js';
import type {PopOutcome, PopRecord} from './pop-record.js';

export type {PopJournal} from './pop-journal.js';
export {createMemoryJournal} from './pop-journal.js';

export interface PopTarget {
	/** '' = not configured: the pop does not fire. */
	url: string;
	mode: PopMode;
}

/** What the pop service reads from config.pops (the Config section satisfies it). */
export interface PopSettings {
	home: PopTarget;
	ring: PopTarget;
	answer: PopTarget;
	hangup: PopTarget;
	/** After-call work: fired on disposition-set (absent = off). */
	wrapup?: PopTarget;
	loginParams: LoginParams;
	ringOnDial: boolean;
}

export type {PopOutcome, PopRecord} from './pop-record.js';

export interface FallbackLink {
	id: number;
	kind: PopKind;
	/** The full URL (the CRM needs the real sid): shown as an OSC 8 link and copied. */
	url: string;
	/** The OSC 52 sequence that copies it, when clipboard copying is on. */
	clipboard: string | null;
	at: number;
}

export interface PopSnapshot {
	/** Newest first, bounded; starts with the journal's pops of earlier runs. */
	recent: readonly PopRecord[];
	/** Hidden pops not yet delivered to the CRM. */
	pendingHidden: number;
	/** Pops shown as links because no browser could open, newest first, bounded. */
	fallbackLinks: readonly FallbackLink[];
}

/** The part of the outbox the service reads (pending count and delivery results). */
export interface PopOutboxView {
	getSnapshot(): {pending: number};
	subscribe(listener: () => void): () => void;
	onSettled(
		listener: (settlement: {item: {kind: string; url: string; callId: string | null}; outcome: 'delivered' | 'failed'}) => void,
	): () => void;
}

export interface PopServiceOptions {
	store: {onEvent(listener: EventListener): () => void; getSnapshot(): SessionState};
	/** The settings, or a getter so edits in the settings screen apply to the next pop. */
	settings: PopSettings | (() => PopSettings);
	launcher: Launcher;
	outbox?: PopOutboxView;
	activity?: Pick<ActivityLog, 'add'>;
	/** Wall clock (ms): the same time base as the driver events' `at`. */
	clock: Pick<Clock, 'now'>;
	/** A sub-millisecond monotonic clock (performance.now) for the part after the event arrived. */
	hrNow?: () => number;
	/** The legacy home form's `password` token for a user (config/password.ts loginToken). */
	loginToken?: (user: string) => string | null;
	/** Default: in memory (exactly once within this run). The app passes the file journal. */
	journal?: PopJournal;
	recentLimit?: number;
	fallbackLimit?: number;
}

export type ReopenResult = {ok: true; outcome: PopOutcome} | {ok: false; message: string};

export interface PopService {
	/** Opens the bare home URL and starts reacting to session events. */
	start(): void;
	stop(): void;
	getSnapshot(): PopSnapshot;
	subscribe(listener: () => void): () => void;
	/** Removes a link from fallbackLinks (the agent opened or dismissed it). */
	dismissFallback(id: number): void;
	/**
	 * Opens the newest browser-mode pop of this run again (the agent closed the tab): journalled
	 * with outcome 'reopened', never claimed, so it is not "the pop firing twice".
	 */
	reopenLast(): Promise<ReopenResult>;
}

/** When the service saw the event: wall ms and, when available, the high-resolution clock. */
interface Stamp {
	eventAt: number;
	wall: number;
	hr: number | null;
}

/** A hidden pop waiting for the outbox's verdict. */
interface Awaiting {
	id: number;
	stamp: Stamp | null;
	eventAt: number;
	/** A pop of an earlier run, still queued when that run ended. */
	earlier: boolean;
}

export function createPopService(options: PopServiceOptions): PopService {
	const {store, launcher, clock, hrNow} = options;
	const journal = options.journal ?? createMemoryJournal();
	const recentLimit = options.recentLimit ?? 50;
	const fallbackLimit = options.fallbackLimit ?? 10;
	const settings = () => (typeof options.settings === 'function' ? options.settings() : options.settings);
	const listeners = new Set<() => void>();
	// The Pops tab survives restarts: it starts with what the journal remembers.
	let recent: readonly PopRecord[] = journal.recent().slice(0, recentLimit);
	let nextId = Math.max(0, ...journal.recent().map((record) => record.id)) + 1;
	let fallbackLinks: readonly FallbackLink[] = [];
	let snapshot: PopSnapshot = {recent, pendingHidden: options.outbox?.getSnapshot().pending ?? 0, fallbackLinks};
	/** Hidden pops waiting for the outbox, per (kind, callId, masked URL), oldest first. */
	const awaitingDelivery = new Map<string, Awaiting[]>();
	/** The newest browser-mode pop of this run, with its full URL (never written to disk: it holds the sid). */
	let lastBrowserPop: {kind: PopKind; callId: string | null; url: string} | null = null;
	const unsubscribers: Array<() => void> = [];

	// Hidden pops of the last run the outbox may still deliver: their records learn the outcome too.
	for (const record of [...recent].reverse()) {
		if (record.mode === 'hidden' && record.outcome === 'queued') {
			awaitFor(record.kind, record.callId, record.url, {id: record.id, stamp: null, eventAt: record.at - record.latencyMs, earlier: true});
		}
	}

	function changed() {
		snapshot = {recent, pendingHidden: options.outbox?.getSnapshot().pending ?? 0, fallbackLinks};
		for (const listener of listeners) listener();
	}

	function updateRecord(id: number, patch: Partial<PopRecord>) {
		const current = recent.find((record) => record.id === id);
		if (!current) return;
		const updated = {...current, ...patch};
		recent = recent.map((record) => (record.id === id ? updated : record));
		journal.record(updated);
		changed();
	}

	function stampNow(eventAt: number): Stamp {
		return {eventAt, wall: clock.now(), hr: hrNow ? hrNow() : null};
	}

	/** Milliseconds from the event to now, 0.01 ms resolution with hrNow. */
	function elapsed(stamp: Stamp): number {
		const beforeArrival = Math.max(0, stamp.wall - stamp.eventAt);
		const sinceArrival = stamp.hr !== null && hrNow ? hrNow() - stamp.hr : clock.now() - stamp.wall;
		return Math.round((beforeArrival + Math.max(0, sinceArrival)) * 100) / 100;
	}

	/** Masked, so that a pop of an earlier run (the journal keeps no sid) matches its outbox item too. */
	function awaitKey(kind: string, callId: string | null, maskedUrl: string) {
		return `${kind}\u0000${callId ?? ''}\u0000${maskedUrl}`;
	}

	function awaitFor(kind: string, callId: string | null, maskedUrl: string, entry: Awaiting) {
		const key = awaitKey(kind, callId, maskedUrl);
		const queue = awaitingDelivery.get(key) ?? [];
		queue.push(entry);
		awaitingDelivery.set(key, queue);
	}

	function fire(kind: PopKind, callId: string | null, url: string, mode: PopMode, stamp: Stamp, reopen = false): Promise<PopOutcome> {
		const id = nextId++;
		// Hand-off starts now: the latency is what the agent waits for beyond the PBX itself.
		const request = launcher.launch({id, kind, url, mode, callId});
		const latencyMs = elapsed(stamp);
		const initial: PopOutcome = mode === 'off' ? 'off' : mode === 'hidden' ? 'queued' : reopen ? 'reopened' : 'opened';
		const record: PopRecord = {
			id,
			kind,
			callId,
			url: maskUrlSecrets(url),
			mode,
			outcome: initial,
			latencyMs,
			deliveredMs: null,
			at: clock.now(),
			detail: reopen ? 'reopened by the agent' : null,
		};
		if (mode === 'hidden') awaitFor(kind, callId, record.url, {id, stamp, eventAt: stamp.eventAt, earlier: false});
		if (mode === 'browser') lastBrowserPop = {kind, callId, url};
		recent = [record, ...recent].slice(0, recentLimit);
		journal.record(record);
		changed();
		return request.then(
			(result) => {
				const outcome: PopOutcome = reopen && result.outcome === 'opened' ? 'reopened' : result.outcome;
				if (outcome !== record.outcome || result.detail) {
					// A hidden pop may already be delivered by the time enqueue resolves: keep 'delivered'.
					const current = recent.find((entry) => entry.id === id);
					if (!(current?.outcome === 'delivered' && outcome === 'queued')) {
						updateRecord(id, {outcome, detail: result.detail ?? record.detail});
					}
				}
				logOutcome(record, outcome, result.detail);
				return outcome;
			},
			(error: unknown) => {
				updateRecord(id, {outcome: 'failed', detail: String(error)});
				logOutcome(record, 'failed', String(error));
				return 'failed' as const;
			},
		);
	}

	function logOutcome(record: PopRecord, outcome: PopOutcome, detail: string | null) {
		const subject = record.callId ? `${record.kind} pop for call ${record.callId}` : `${record.kind} page`;
		const text = `${subject}: ${outcome} (${record.mode}, ${record.latencyMs} ms)${detail ? ` — ${detail}` : ''}`;
		const level = outcome === 'failed' ? 'error' : outcome === 'shown' ? 'warn' : 'info';
		options.activity?.add(level, 'pops', text);
	}

	/** The call as its pops show it: with the callid the CRM already has, for a call resumed after a restart. */
	function asPopped<T extends Call | CallRecord>(call: T): T {
		const callId = journal.popCallId(call.callId);
		return callId === call.callId ? call : {...call, callId};
	}

	function firePop(kind: 'ring' | 'answer' | 'hangup', sessionCall: Call, sid: string | null, stamp: Stamp) {
		const call = asPopped(sessionCall);
		const target = settings()[kind];
		// Claimed even when off or unconfigured: turning the pop on mid-call must not fire it late.
		if (!journal.claim(call.callId, kind, {pbxCallId: call.pbxCallId, origin: call.origin, number: call.number})) return;
		if (target.url === '') return;
		void fire(kind, call.callId, buildPopUrl(target.url, call, sid), target.mode, stamp);
	}

	function fireWrapUp(sessionCallId: string, wrapUp: WrapUpParameters, state: SessionState, stamp: Stamp) {
		const found = state.recentCalls.find((record) => record.callId === sessionCallId);
		if (!found) return;
		const call = asPopped(found);
		const digest = wrapUpDigest(wrapUp.disposition, wrapUp.note);
		const fired = journal.wrapups(call.callId);
		// The same code and note again tell the CRM nothing new.
		if (fired.at(-1) === digest) return;
		const key = fired.length === 0 ? 'wrapup' : `wrapup:${fired.length + 1}`;
		if (!journal.claim(call.callId, key, undefined, digest)) return;
		const target = settings().wrapup;
		if (!target || target.url === '') return;
		void fire('wrapup', call.callId, buildPopUrl(target.url, call, state.agent.sid, wrapUp), target.mode, stamp);
	}

	/** A call the session (re)starts: if it continued across a restart, its pops keep their callid. */
	function resume(call: Call) {
		journal.resume({callId: call.callId, pbxCallId: call.pbxCallId, origin: call.origin, number: call.number, at: call.startedAt});
	}

	function fireHome(state: SessionState | null, stamp: Stamp) {
		const {home, loginParams} = settings();
		if (home.url === '') return;
		const identity = state?.agent.identity ?? null;
		const sid = state?.agent.sid ?? null;
		const agent = identity && sid ? {user: identity.user, empId: identity.empId, agentId: identity.agentId, sid} : null;
		const token = agent && loginParams === 'legacy' ? (options.loginToken?.(agent.user) ?? null) : null;
		void fire('home', null, buildHomeUrl(home.url, agent, {loginParams, token}), home.mode, stamp);
	}

	/** The home claim's key: the sid itself is a secret and stays out of the journal file. */
	function loginKey(sid: string) {
		return `login:${createHash('sha256').update(sid).digest('hex').slice(0, 16)}`;
	}

	const onEvent: EventListener = (event: SessionEvent, previous: SessionState, next: SessionState) => {
		switch (event.type) {
			case 'call-offered':
				// The session ignores an offer while a call is up: only the call it took rings here.
				if (next.call?.callId === event.callId) {
					const stamp = stampNow(event.at);
					resume(next.call);
					firePop('ring', next.call, next.agent.sid, stamp);
				}
				return;
			case 'call-dialing':
				if (next.call?.callId === event.callId) {
					const stamp = stampNow(event.at);
					resume(next.call);
					if (settings().ringOnDial) firePop('ring', next.call, next.agent.sid, stamp);
				}
				return;
			case 'call-answered':
				if (next.call?.pbxCallId === event.pbxCallId && next.call.answeredAt !== null) {
					firePop('answer', next.call, next.agent.sid, stampNow(event.at));
				}
				return;
			case 'call-ended':
				if (previous.call?.pbxCallId === event.pbxCallId) firePop('hangup', previous.call, previous.agent.sid, stampNow(event.at));
				return;
			case 'disposition-set':
				fireWrapUp(event.callId, {disposition: event.disposition, note: event.note}, next, stampNow(event.at));
				return;
			case 'agent-logged-in':
				// A new sid is a new login: the home page gets it (once per sid).
				if (journal.claim(loginKey(event.sid), 'home')) fireHome(next, stampNow(event.at));
				return;
			default:
				return;
		}
	};

	function onFallback(fallback: Fallback) {
		fallbackLinks = [
			{id: fallback.id, kind: fallback.kind, url: fallback.url, clipboard: fallback.clipboard, at: clock.now()},
			...fallbackLinks.filter((link) => link.id !== fallback.id),
		].slice(0, fallbackLimit);
		if (fallback.late) {
			updateRecord(fallback.id, {outcome: 'shown', detail: fallback.detail ?? fallback.reason});
			options.activity?.add('warn', 'pops', `${fallback.kind} pop: browser failed (${fallback.detail ?? fallback.reason}); shown as a link`);
		}
		changed();
	}

	function onSettled({item, outcome}: {item: {kind: string; url: string; callId: string | null}; outcome: 'delivered' | 'failed'}) {
		const key = awaitKey(item.kind, item.callId, maskUrlSecrets(item.url));
		const queue = awaitingDelivery.get(key);
		const waiting = queue?.shift();
		if (queue?.length === 0) awaitingDelivery.delete(key);
		if (!waiting) return;
		const deliveredMs =
			outcome !== 'delivered'
				? null
				: waiting.stamp
					? elapsed(waiting.stamp)
					: Math.max(0, clock.now() - waiting.eventAt);
		updateRecord(waiting.id, {outcome, deliveredMs});
	}

	return {
		start() {
			if (unsubscribers.length > 0) return;
			unsubscribers.push(store.onEvent(onEvent), launcher.onFallback(onFallback));
			if (options.outbox) {
				unsubscribers.push(options.outbox.subscribe(changed), options.outbox.onSettled(onSettled));
				// Nothing pending: the earlier run's queued pops were settled before we listened.
				if (options.outbox.getSnapshot().pending === 0) {
					for (const [key, queue] of awaitingDelivery) {
						const current = queue.filter((entry) => !entry.earlier);
						if (current.length === 0) awaitingDelivery.delete(key);
						else awaitingDelivery.set(key, current);
					}
				}
			}
			// Bare at start; if the session is already logged in (attach, restart), with its login.
			const state = store.getSnapshot();
			const sid = state.agent.sid;
			const stamp = stampNow(clock.now());
			if (sid && journal.claim(loginKey(sid), 'home')) fireHome(state, stamp);
			else if (!sid) fireHome(null, stamp);
		},
		stop() {
			for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
		},
		getSnapshot: () => snapshot,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		dismissFallback(id) {
			const next = fallbackLinks.filter((link) => link.id !== id);
			if (next.length === fallbackLinks.length) return;
			fallbackLinks = next;
			changed();
		},
		async reopenLast() {
			const last = lastBrowserPop;
			if (!last) return {ok: false, message: 'No browser pop to re-open in this run.'};
			const outcome = await fire(last.kind, last.callId, last.url, 'browser', stampNow(clock.now()), true);
			return {ok: true, outcome};
		},
	};
}
