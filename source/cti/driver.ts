// The contract between the session and a PBX. A driver is the only code that knows a PBX:
// it turns commands into PBX actions and PBX happenings into normalised DriverEvents.
//
// Rules every driver keeps:
// - A command resolves once the PBX accepted or refused it: {ok: true} or a readable refusal.
//   It never throws for a PBX refusal, and never hangs: when the link is down it refuses
//   at once with code 'pbx-unavailable'.
// - What the command changed arrives as events (e.g. setReady → agent-state-changed ready),
//   also when the change was made elsewhere (a supervisor pausing the agent).
// - Events only concern this agent's calls and queues.
import type {
	AgentIdentity,
	Capabilities,
	Clock,
	DriverEvent,
	PresenceIntent,
	Result,
	TransferMode,
} from '../core/types.js';

export type {
	AgentIdentity,
	Capabilities,
	Clock,
	DriverEvent,
	Result,
	TimerHandle,
	TransferMode,
} from '../core/types.js';

export type DriverListener = (event: DriverEvent) => void;

export interface Driver {
	/** 'sim' | 'asterisk' */
	readonly name: string;
	readonly capabilities: Capabilities;
	/** Starts connecting (and keeps reconnecting); resolves once the first attempt finished. */
	connect(): Promise<void>;
	/** Stops everything (timers, sockets). Does not log the agent out. */
	disconnect(): Promise<void>;
	/** Subscribe to events; returns an unsubscribe function. */
	onEvent(listener: DriverListener): () => void;

	login(agent: AgentIdentity): Promise<Result>;
	logout(): Promise<Result>;
	setReady(): Promise<Result>;
	setNotReady(reason: string): Promise<Result>;
	dial(number: string): Promise<Result>;
	answer(): Promise<Result>;
	hangup(): Promise<Result>;
	hold(): Promise<Result>;
	unhold(): Promise<Result>;
	/** Blind: hand the call over now. Consult: call `target` with the customer on hold. */
	transfer(target: string, mode: TransferMode): Promise<Result>;
	/** During a consult: connect the customer to the target and leave. */
	completeTransfer(): Promise<Result>;
	/** During a consult: drop the target and return to the customer. */
	cancelTransfer(): Promise<Result>;
	/** During a consult: make it a three-way call (capabilities.conference). */
	conference(): Promise<Result>;
	/** Digits 0-9 * # A-D, sent in order (capabilities.dtmf). */
	sendDtmf(digits: string): Promise<Result>;
	mute(): Promise<Result>;
	unmute(): Promise<Result>;
	/**
	 * What the agent wants the PBX to show (paused with a reason, or not; wrap-up included).
	 * The session keeps it current; the driver applies it after every (re)connect.
	 */
	setIntent?(intent: PresenceIntent): void;
	/** Simulator only (capabilities.injectCall). */
	injectCall?(): Promise<Result>;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	setTimeout: (callback, ms) => {
		const handle = setTimeout(callback, ms);
		// A pending PBX timer must not keep a finished process alive.
		handle.unref?.();
		return handle;
	},
	clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
