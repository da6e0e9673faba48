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
import type {AgentIdentity, DriverEvent, Result, TransferMode} from '../core/types.js';

export type {AgentIdentity, DriverEvent, Result, TransferMode} from '../core/types.js';

export interface Capabilities {
	/** The agent can answer a ringing call from ctidesk (otherwise: lift the handset). */
	answer: boolean;
	hold: boolean;
	dial: boolean;
	blindTransfer: boolean;
	consultTransfer: boolean;
	/** Merge a consulted party into a three-way call. */
	conference: boolean;
	/** Send DTMF digits into the call (IVR menus, extensions). */
	dtmf: boolean;
	/** Mute the agent's microphone towards the customer. */
	mute: boolean;
	/** Demo: put an inbound call into the agent's queue now (simulator only). */
	injectCall: boolean;
}

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
	/** Simulator only (capabilities.injectCall). */
	injectCall?(): Promise<Result>;
}

/** Injectable time source: core and drivers never call Date.now() or setTimeout directly. */
export interface Clock {
	now(): number;
	setTimeout(callback: () => void, ms: number): TimerHandle;
	clearTimeout(handle: TimerHandle): void;
}

export type TimerHandle = {readonly id: number} | ReturnType<typeof setTimeout>;

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
