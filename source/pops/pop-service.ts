// Decides which pop fires, from session TRANSITIONS (store.onEvent gives event, previous and
// next state, so nothing here diffs snapshots):
// - ring: call-offered (the agent's phone rings), and call-dialing when ringOnDial is set;
// - answer: call-answered (inbound: the agent went off-hook; outbound: the far end answered —
//   origin=2 tells the CRM which);
// - hangup: call-ended, for the call it ended (previous.call);
// - home: bare at start(), and with user+sid (or the legacy form) on agent-logged-in.
// Each fires at most once per (callId, kind): claim() is the one place that decides it, so a
// later journal can make it hold across restarts. Hold, consults, transfers and a PBX link
// that drops and comes back never fire a pop by themselves; a driver that repeats an event
// after resyncing is absorbed by claim().
import type {Clock} from '../cti/driver.js';
import type {Call, SessionEvent, SessionState} from '../core/types.js';
import type {ActivityLog} from '../session/activity-log.js';
import type {EventListener} from '../session/session-store.js';
import type {Fallback, LaunchOutcome, Launcher, PopKind, PopMode} from './launcher.js';
import type {LoginParams} from './pop-url.js';
import {buildHomeUrl, buildPopUrl, maskUrlSecrets} from './pop-url.js';

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
	loginParams: LoginParams;
	ringOnDial: boolean;
}

export type PopOutcome = LaunchOutcome | 'delivered';

export interface PopRecord {
	id: number;
	kind: PopKind;
	/** null for the home URL. */
	callId: string | null;
	/** With sid and password masked: safe to show and log. */
	url: string;
	mode: PopMode;
	outcome: PopOutcome;
	/** From the session event's time to the hand-off (browser started, outbox written). */
	latencyMs: number;
	at: number;
	detail: string | null;
}

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
	/** Newest first, bounded. */
	recent: readonly PopRecord[];
	/** Hidden pops not yet delivered to the CRM. */
	pendingHidden: number;
	/** Pops shown as links because no browser could open, newest first, bounded. */
	fallbackLinks: readonly FallbackLink[];
}

/** Where "fired once" is remembered. In memory by default; a persistent journal can replace it. */
export interface PopJournal {
	/** True the first time for (callId, kind); false ever after. */
	claim(callId: string, kind: PopKind): boolean;
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
	clock: Pick<Clock, 'now'>;
	/** The legacy home form's `password` token for a user (config/password.ts loginToken). */
	loginToken?: (user: string) => string | null;
	journal?: PopJournal;
	recentLimit?: number;
	fallbackLimit?: number;
}

export interface PopService {
	/** Opens the bare home URL and starts reacting to session events. */
	start(): void;
	stop(): void;
	getSnapshot(): PopSnapshot;
	subscribe(listener: () => void): () => void;
	/** Removes a link from fallbackLinks (the agent opened or dismissed it). */
	dismissFallback(id: number): void;
}

/** An in-memory journal that forgets the oldest keys past `limit` (a call never rings again after days). */
export function createMemoryJournal(limit = 10_000): PopJournal {
	const seen = new Set<string>();
	return {
		claim(callId, kind) {
			const key = `${callId}\u0000${kind}`;
			if (seen.has(key)) return false;
			seen.add(key);
			if (seen.size > limit) seen.delete(seen.values().next().value!);
			return true;
		},
	};
}

export function createPopService(options: PopServiceOptions): PopService {
	const {store, launcher, clock} = options;
	const journal = options.journal ?? createMemoryJournal();
	const recentLimit = options.recentLimit ?? 50;
	const fallbackLimit = options.fallbackLimit ?? 10;
	const settings = () => (typeof options.settings === 'function' ? options.settings() : options.settings);
	const listeners = new Set<() => void>();
	let nextId = 1;
	let recent: readonly PopRecord[] = [];
	let fallbackLinks: readonly FallbackLink[] = [];
	let snapshot: PopSnapshot = {recent, pendingHidden: options.outbox?.getSnapshot().pending ?? 0, fallbackLinks};
	/** Hidden pops waiting for the outbox's verdict: key → record id. */
	const awaitingDelivery = new Map<string, number>();
	const unsubscribers: Array<() => void> = [];

	function changed() {
		snapshot = {recent, pendingHidden: options.outbox?.getSnapshot().pending ?? 0, fallbackLinks};
		for (const listener of listeners) listener();
	}

	function updateRecord(id: number, patch: Partial<PopRecord>) {
		if (!recent.some((record) => record.id === id)) return;
		recent = recent.map((record) => (record.id === id ? {...record, ...patch} : record));
		changed();
	}

	function deliveryKey(kind: string, callId: string | null, url: string) {
		return `${kind}\u0000${callId ?? ''}\u0000${url}`;
	}

	function fire(kind: PopKind, callId: string | null, url: string, mode: PopMode, eventAt: number) {
		const id = nextId++;
		// Hand-off starts now: the latency is what the agent waits for beyond the PBX itself.
		const request = launcher.launch({id, kind, url, mode, callId});
		const latencyMs = Math.max(0, clock.now() - eventAt);
		const record: PopRecord = {
			id,
			kind,
			callId,
			url: maskUrlSecrets(url),
			mode,
			outcome: mode === 'off' ? 'off' : mode === 'hidden' ? 'queued' : 'opened',
			latencyMs,
			at: clock.now(),
			detail: null,
		};
		if (mode === 'hidden') awaitingDelivery.set(deliveryKey(kind, callId, url), id);
		recent = [record, ...recent].slice(0, recentLimit);
		changed();
		void request.then(
			(result) => {
				if (result.outcome !== record.outcome || result.detail) {
					// A hidden pop may already be delivered by the time enqueue resolves: keep 'delivered'.
					const current = recent.find((entry) => entry.id === id);
					if (!(current?.outcome === 'delivered' && result.outcome === 'queued')) {
						updateRecord(id, {outcome: result.outcome, detail: result.detail});
					}
				}
				logOutcome(record, result.outcome, result.detail);
			},
			(error: unknown) => {
				updateRecord(id, {outcome: 'failed', detail: String(error)});
				logOutcome(record, 'failed', String(error));
			},
		);
	}

	function logOutcome(record: PopRecord, outcome: PopOutcome, detail: string | null) {
		const subject = record.callId ? `${record.kind} pop for call ${record.callId}` : `${record.kind} page`;
		const text = `${subject}: ${outcome} (${record.mode}, ${record.latencyMs} ms)${detail ? ` — ${detail}` : ''}`;
		const level = outcome === 'failed' ? 'error' : outcome === 'shown' ? 'warn' : 'info';
		options.activity?.add(level, 'pops', text);
	}

	function firePop(kind: 'ring' | 'answer' | 'hangup', call: Call, sid: string | null, eventAt: number) {
		const target = settings()[kind];
		// Claimed even when off or unconfigured: turning the pop on mid-call must not fire it late.
		if (!journal.claim(call.callId, kind)) return;
		if (target.url === '') return;
		fire(kind, call.callId, buildPopUrl(target.url, call, sid), target.mode, eventAt);
	}

	function fireHome(state: SessionState | null, eventAt: number) {
		const {home, loginParams} = settings();
		if (home.url === '') return;
		const identity = state?.agent.identity ?? null;
		const sid = state?.agent.sid ?? null;
		const agent = identity && sid ? {user: identity.user, agentId: identity.agentId, sid} : null;
		const token = agent && loginParams === 'legacy' ? (options.loginToken?.(agent.user) ?? null) : null;
		fire('home', null, buildHomeUrl(home.url, agent, {loginParams, token}), home.mode, eventAt);
	}

	const onEvent: EventListener = (event: SessionEvent, previous: SessionState, next: SessionState) => {
		switch (event.type) {
			case 'call-offered':
				// The session ignores an offer while a call is up: only the call it took rings here.
				if (next.call?.callId === event.callId) firePop('ring', next.call, next.agent.sid, event.at);
				return;
			case 'call-dialing':
				if (settings().ringOnDial && next.call?.callId === event.callId) firePop('ring', next.call, next.agent.sid, event.at);
				return;
			case 'call-answered':
				if (next.call?.pbxCallId === event.pbxCallId && next.call.answeredAt !== null) {
					firePop('answer', next.call, next.agent.sid, event.at);
				}
				return;
			case 'call-ended':
				if (previous.call?.pbxCallId === event.pbxCallId) firePop('hangup', previous.call, previous.agent.sid, event.at);
				return;
			case 'agent-logged-in':
				// A new sid is a new login: the home page gets it (once per sid).
				if (journal.claim(`login:${event.sid}`, 'home')) fireHome(next, event.at);
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

	return {
		start() {
			if (unsubscribers.length > 0) return;
			unsubscribers.push(store.onEvent(onEvent), launcher.onFallback(onFallback));
			if (options.outbox) {
				unsubscribers.push(
					options.outbox.subscribe(changed),
					options.outbox.onSettled(({item, outcome}) => {
						const key = deliveryKey(item.kind, item.callId, item.url);
						const id = awaitingDelivery.get(key);
						if (id === undefined) return;
						awaitingDelivery.delete(key);
						updateRecord(id, {outcome});
					}),
				);
			}
			// Bare at start; if the session is already logged in (attach, restart), with its login.
			const state = store.getSnapshot();
			const sid = state.agent.sid;
			if (sid && journal.claim(`login:${sid}`, 'home')) fireHome(state, clock.now());
			else if (!sid) fireHome(null, clock.now());
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
	};
}
