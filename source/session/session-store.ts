// The only stateful core module: applies driver events through the reducer, runs commands
// through check() and the driver, and tells subscribers. Everything with side effects
// (pops, history, the WebSocket stream) subscribes to onEvent(event, prev, next).
import {randomBytes} from 'node:crypto';
import type {Driver} from '../cti/driver.js';
import {check} from '../core/commands.js';
import {createInitialState, reduce} from '../core/session.js';
import type {
	AgentIdentity,
	CallRecord,
	Capabilities,
	Clock,
	TimerHandle,
	Command,
	DriverEvent,
	Presence,
	PresenceIntent,
	Result,
	SessionEvent,
	SessionState,
} from '../core/types.js';
import {ok, refuse} from '../core/types.js';
import {createEventRing} from './event-ring.js';

export type EventListener = (
	event: SessionEvent,
	previous: SessionState,
	next: SessionState,
) => void;

export interface SessionStore {
	getSnapshot(): SessionState;
	subscribe(listener: () => void): () => void;
	onEvent(listener: EventListener): () => void;
	/** Runs one command; commands run one after another, each checked against the state at its turn. */
	run(command: Command): Promise<Result>;
	/** Events after `seq` still in the replay buffer, or null when some were already dropped. */
	eventsSince(seq: number): SessionEvent[] | null;
	readonly capabilities: Capabilities;
	/**
	 * The desk is going away with no one at it (its terminal closed): stop the PBX offering calls.
	 * 'pause' pauses the agent with reason "desk closed"; 'logout' logs out when no call is up.
	 * A call that is up is never dropped: it stays up on the PBX (then 'logout' pauses too).
	 */
	leaveDesk(mode: 'pause' | 'logout'): Promise<Result>;
	start(): Promise<void>;
	stop(): Promise<void>;
}

export interface SessionStoreOptions {
	driver: Driver;
	clock: Clock;
	/** Checks a user's password (or login token) against the agent directory. */
	authenticate(user: string, secret: string): AgentIdentity | null;
	/** Seconds of wrap-up after an answered call; 0 for none. A getter reads the saved settings at each call. */
	wrapUpSeconds: number | (() => number);
	/** Next seed-format call id (persisted by the caller so ids stay unique across restarts). */
	allocateCallId(now: number, pbxCallId: string): string;
	/** The call with this PBX handle ended (lets the allocator forget it). */
	releaseCallId?(pbxCallId: string): void;
	/** Finished calls from earlier runs, newest first, for the History tab. */
	recentCalls?: CallRecord[];
	/** Fresh session id for a login; ≥128 random bits. */
	createSid?: () => string;
	replayLimit?: number;
	/** Told when a subscriber or event listener throws (the others still run); default: ignored. */
	onError?: (error: unknown) => void;
}

/** The pause reason a supervisor sees in the PBX when a desk's terminal went away. */
export const deskClosedReason = 'desk closed';

const defaultSid = () => randomBytes(16).toString('hex').toUpperCase();

export function createSessionStore(options: SessionStoreOptions): SessionStore {
	const {driver, clock} = options;
	const wrapUpSeconds = () => (typeof options.wrapUpSeconds === 'function' ? options.wrapUpSeconds() : options.wrapUpSeconds);
	let state = createInitialState(driver.name, clock.now(), options.recentCalls);
	let seq = 0;
	const ring = createEventRing(options.replayLimit ?? 10_000);
	const subscribers = new Set<() => void>();
	const eventListeners = new Set<EventListener>();
	let queue: Promise<unknown> = Promise.resolve();
	let wrapUpTimer: TimerHandle | null = null;
	let unsubscribeDriver: (() => void) | null = null;
	let stopping = false;
	/**
	 * A wrap-up that a call cut short (the agent dialled out from it, or the ACD offered a call
	 * before it paused the agent): where to go back to afterwards, and the time it had left.
	 */
	let interrupted: {returnTo: Presence; returnReason: string | null; remainingMs: number} | null =
		null;

	function report(error: unknown) {
		try {
			options.onError?.(error);
		} catch {
			// Reporting must never break the session either.
		}
	}

	function dispatch(event: SessionEvent) {
		const previous = state;
		state = reduce(state, event);
		if (state.seq !== event.seq) state = {...state, seq: event.seq};
		ring.push(event);
		if (previous.agent !== state.agent) driver.setIntent?.(intentOf(state));
		// A failing listener (pops, history, a render) must not stop the others or the session,
		// nor make the driver's event delivery or the running command throw.
		for (const listener of eventListeners) {
			try {
				listener(event, previous, state);
			} catch (error) {
				report(error);
			}
		}
		for (const listener of subscribers) {
			try {
				listener();
			} catch (error) {
				report(error);
			}
		}
	}

	function onDriverEvent(event: DriverEvent) {
		if (event.type === 'call-offered' || event.type === 'call-dialing') {
			if (state.call) return; // one call at a time: not ours to show
			seq += 1;
			const callId = event.callId ?? options.allocateCallId(event.at, event.pbxCallId);
			dispatch(Object.assign({}, event, {seq, callId}));
			interruptWrapUp(event.at);
			return;
		}
		const wasAnswered =
			event.type === 'call-ended' && state.call?.pbxCallId === event.pbxCallId
				? state.call.answeredAt !== null
				: null;
		const presenceBefore = state.agent.presence;
		const reasonBefore = state.agent.reason;
		seq += 1;
		// Object.assign, not a spread: `{...event, seq}` over the many event shapes takes V8's slow
		// path, ~1 µs an event (bench/cgi-latency.mjs); the copy has the same fields in the same order.
		dispatch(Object.assign({}, event, {seq}));
		if (event.type === 'call-ended' && wasAnswered !== null) {
			options.releaseCallId?.(event.pbxCallId);
			const resume = interrupted;
			interrupted = null;
			if (wasAnswered) {
				// Back to where the agent was before the call, or before the wrap-up it interrupted.
				const returnTo = resume ? resume.returnTo : presenceBefore;
				const returnReason = resume ? resume.returnReason : reasonBefore;
				startWrapUp(returnTo, returnReason, wrapUpSeconds() * 1000);
			} else if (resume) {
				// An unanswered call placed from wrap-up: finish the after-call work it cut short.
				startWrapUp(resume.returnTo, resume.returnReason, Math.max(1000, resume.remainingMs));
			}
		}
		if (event.type === 'agent-state-changed' && event.state === 'logged-out') {
			clearWrapUpTimer();
			interrupted = null;
		}
		if (event.type === 'connection-changed' && event.connected) void enqueue(reconcileWrapUp);
	}

	/**
	 * After a (re)connect: a wrap-up whose time ran out while the PBX was unreachable ends now, as
	 * if its timer had fired (that timer's setReady was refused); one still running keeps its timer.
	 */
	async function reconcileWrapUp(): Promise<Result> {
		const wrapUp = state.agent.wrapUp;
		if (!wrapUp || wrapUp.until === null) return ok;
		if (wrapUp.until > clock.now()) {
			if (wrapUpTimer === null) {
				wrapUpTimer = clock.setTimeout(() => {
					wrapUpTimer = null;
					void enqueue(() => endWrapUp(null));
				}, wrapUp.until - clock.now());
			}
			return ok;
		}
		return endWrapUp(null, true);
	}

	/** What the agent wants the PBX to show now: wrap-up pauses, else the last presence. */
	function intentOf(current: SessionState): PresenceIntent {
		if (current.agent.wrapUp) return {paused: true, reason: 'wrap-up'};
		return {paused: current.agent.presence !== 'ready', reason: current.agent.reason};
	}

	/** A call started during wrap-up: end it now (its time counts until here) and remember where it was going. */
	function interruptWrapUp(at: number) {
		const wrapUp = state.agent.wrapUp;
		if (!wrapUp) return;
		clearWrapUpTimer();
		interrupted = {
			returnTo: wrapUp.returnTo,
			returnReason: wrapUp.returnReason,
			remainingMs: wrapUp.until === null ? wrapUpSeconds() * 1000 : wrapUp.until - at,
		};
		seq += 1;
		dispatch({type: 'wrap-up-ended', at, seq});
	}

	function startWrapUp(returnTo: Presence, returnReason: string | null, durationMs: number) {
		if (stopping || wrapUpSeconds() <= 0 || state.agent.presence === 'logged-out') return;
		clearWrapUpTimer();
		const at = clock.now();
		const until = at + durationMs;
		seq += 1;
		dispatch({type: 'wrap-up-started', at, seq, until, returnTo, returnReason});
		// Keep the ACD from offering a call during after-call work.
		void driver.setNotReady('wrap-up');
		wrapUpTimer = clock.setTimeout(() => {
			wrapUpTimer = null;
			void enqueue(() => endWrapUp(null));
		}, durationMs);
	}

	function clearWrapUpTimer() {
		if (wrapUpTimer !== null) clock.clearTimeout(wrapUpTimer);
		wrapUpTimer = null;
	}

	/** Ends wrap-up: back to where the agent was before the call, or to `to` when the agent chose. */
	async function endWrapUp(
		to: {presence: 'ready'} | {presence: 'not-ready'; reason: string} | null,
		expired = false,
	): Promise<Result> {
		const wrapUp = state.agent.wrapUp;
		if (!wrapUp) return ok;
		clearWrapUpTimer();
		const target =
			to ??
			(wrapUp.returnTo === 'ready'
				? {presence: 'ready' as const}
				: {presence: 'not-ready' as const, reason: wrapUp.returnReason ?? 'break'});
		const result =
			target.presence === 'ready'
				? await driver.setReady()
				: await driver.setNotReady(target.reason);
		// A refused change leaves the agent where it was (SPEC section 3): still in wrap-up, so
		// the ACD keeps them paused and pressing ready again can finish it.
		if (!result.ok || !state.agent.wrapUp) return result;
		seq += 1;
		dispatch({type: 'wrap-up-ended', at: clock.now(), seq, ...(expired ? {expired} : {})});
		return result;
	}

	function enqueue(task: () => Promise<Result>): Promise<Result> {
		const next = queue.then(task, task);
		queue = next.catch(() => undefined);
		return next.catch((error: unknown) =>
			refuse('pbx-refused', error instanceof Error ? error.message : String(error)),
		);
	}

	async function execute(command: Command): Promise<Result> {
		const verdict = check(state, command, driver.capabilities);
		if (!verdict.ok) return verdict;
		switch (command.type) {
			case 'login': {
				const identity = options.authenticate(command.user, command.password);
				if (!identity) return refuse('auth-failed', 'Wrong user or password.');
				const result = await driver.login(identity);
				if (!result.ok) return result;
				seq += 1;
				dispatch({
					type: 'agent-logged-in',
					at: clock.now(),
					seq,
					identity,
					sid: (options.createSid ?? defaultSid)(),
				});
				return ok;
			}
			case 'logout':
				clearWrapUpTimer();
				return driver.logout();
			case 'ready':
				return state.agent.wrapUp ? endWrapUp({presence: 'ready'}) : driver.setReady();
			case 'away':
				return state.agent.wrapUp
					? endWrapUp({presence: 'not-ready', reason: command.reason})
					: driver.setNotReady(command.reason);
			case 'answer':
				return driver.answer();
			case 'hangup':
				// During a consult, hanging up ends the consult leg and returns to the customer:
				// the held customer is never dropped by it (the keys and hangup.cgi share this).
				return state.call?.consult ? driver.cancelTransfer() : driver.hangup();
			case 'hold':
				return driver.hold();
			case 'unhold':
				return driver.unhold();
			case 'dial':
				return driver.dial(command.number);
			case 'transfer':
				return driver.transfer(command.target, command.mode);
			case 'complete-transfer':
				return driver.completeTransfer();
			case 'cancel-transfer':
				return driver.cancelTransfer();
			case 'inject-call':
				return driver.injectCall ? driver.injectCall() : refuse('not-supported', 'Simulator only.');
			case 'conference':
				return driver.conference();
			case 'dtmf':
				return driver.sendDtmf(command.digits);
			case 'mute':
				return driver.mute();
			case 'unmute':
				return driver.unmute();
			case 'disposition': {
				// check() made sure the call is among the recent ones.
				const record =
					state.recentCalls.find((item) => item.callId === command.callId) ?? state.recentCalls[0]!;
				seq += 1;
				dispatch({
					type: 'disposition-set',
					at: clock.now(),
					seq,
					callId: record.callId,
					disposition: command.code,
					note: command.note,
				});
				return ok;
			}
		}
	}

	return {
		getSnapshot: () => state,
		subscribe(listener) {
			subscribers.add(listener);
			return () => subscribers.delete(listener);
		},
		onEvent(listener) {
			eventListeners.add(listener);
			return () => eventListeners.delete(listener);
		},
		run: (command) => enqueue(() => execute(command)),
		eventsSince: (since) => ring.since(since),
		leaveDesk: (mode) =>
			enqueue(async () => {
				if (state.agent.presence === 'logged-out') return ok;
				clearWrapUpTimer();
				if (mode === 'logout' && !state.call) return driver.logout();
				return driver.setNotReady(deskClosedReason);
			}),
		get capabilities() {
			return driver.capabilities;
		},
		async start() {
			stopping = false;
			unsubscribeDriver ??= driver.onEvent(onDriverEvent);
			await driver.connect();
		},
		async stop() {
			// Keep listening while the driver disconnects: a call it ends on the way out must
			// still reach history and the hangup pop. But start no wrap-up for it.
			stopping = true;
			clearWrapUpTimer();
			await driver.disconnect();
			clearWrapUpTimer();
			unsubscribeDriver?.();
			unsubscribeDriver = null;
		},
	};
}
