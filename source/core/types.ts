// Plain data shared by every layer: agent and call state, driver events, commands, results.
// Everything here is JSON-serialisable on purpose: the same snapshot travels to an attached
// TUI over the local API (SPEC section 9), so no Maps, Dates or functions.

/** The agent states of SPEC section 3. */
export type AgentState =
	| 'logged-out'
	| 'not-ready'
	| 'ready'
	| 'ringing'
	| 'dialing'
	| 'talking'
	| 'held'
	| 'wrap-up';

export const agentStates: readonly AgentState[] = [
	'logged-out',
	'not-ready',
	'ready',
	'ringing',
	'dialing',
	'talking',
	'held',
	'wrap-up',
];

/** Call direction as the pop parameter `origin` carries it: 1 inbound, 2 outbound. */
export type Origin = 1 | 2;

export type CallState = 'ringing' | 'dialing' | 'talking' | 'held' | 'ended';

/** Why a call ended, normalised across PBXs. */
export type EndCause =
	| 'customer-hangup' // the customer hung up (also: caller gave up while the agent's phone rang)
	| 'agent-hangup' // the agent hung up
	| 'transferred' // handed to someone else (blind or consult)
	| 'no-answer' // nobody answered: outbound far end, or the agent's phone (ring timeout)
	| 'busy' // far end busy
	| 'invalid-number' // the number does not exist
	| 'failed' // any other failure to set up the call
	| 'connection-lost'; // the PBX link dropped and the call could not be recovered

export type TransferMode = 'blind' | 'consult';

/** A consult (attended) transfer in progress: the customer is held while the agent talks to `target`. */
export interface Consult {
	target: string;
	state: 'dialing' | 'talking';
	startedAt: number;
	answeredAt: number | null;
}

export interface Call {
	/** Seed-format id: YYYYMMDDhhmmss + 3-digit sequence. The same for ring, answer and hangup pops. */
	callId: string;
	/** The driver's own handle for the call (sim id, Asterisk linkedid). Never shown to CRMs. */
	pbxCallId: string;
	origin: Origin;
	/** The customer's number. */
	number: string;
	callerId: string;
	calledId: string;
	groupId: string;
	agentId: string;
	empId: string;
	state: CallState;
	startedAt: number;
	answeredAt: number | null;
	endedAt: number | null;
	/** Sum of finished hold periods in ms; an open hold period starts at `heldSince`. */
	heldMs: number;
	heldSince: number | null;
	endCause: EndCause | null;
	transferTarget: string | null;
	transferMode: TransferMode | null;
	consult: Consult | null;
	/** The consult party was merged in: a three-way call with this party. */
	conferenceWith: string | null;
	/** The agent's microphone is muted (the customer hears nothing). */
	muted: boolean;
}

/** A caller waiting in one of the agent's queues. */
export interface QueueEntry {
	/** The driver's handle for the waiting caller. */
	id: string;
	number: string;
	groupId: string;
	waitingSince: number;
}

/** A finished call as the History tab and the JSONL history file keep it. */
export interface CallRecord {
	callId: string;
	origin: Origin;
	number: string;
	callerId: string;
	calledId: string;
	groupId: string;
	agentId: string;
	empId: string;
	startedAt: number;
	answeredAt: number | null;
	endedAt: number;
	heldMs: number;
	endCause: EndCause;
	transferTarget: string | null;
	transferMode: TransferMode | null;
	conferenceWith?: string | null;
	/** Wrap-up code the agent picked after the call, and an optional note. */
	disposition?: string | null;
	note?: string | null;
}

export interface AgentIdentity {
	user: string;
	agentId: string;
	empId: string;
	extension: string;
	groups: string[];
}

/** The agent's presence as the PBX sees it, apart from any call. */
export type Presence = 'logged-out' | 'not-ready' | 'ready';

export interface WrapUp {
	startedAt: number;
	/** When it ends by itself (epoch ms), or null for no timer. */
	until: number | null;
	/** The presence to go back to when wrap-up ends (ready, or the not-ready reason held before the call). */
	returnTo: Presence;
	returnReason: string | null;
}

export interface AgentStatus {
	/** What the agent is doing, derived by the reducer from presence, call and wrap-up. */
	state: AgentState;
	/** Not-ready reason, or null. */
	reason: string | null;
	/** When the current state began (epoch ms). */
	since: number;
	presence: Presence;
	/** The logged-in identity, or null while logged out. */
	identity: AgentIdentity | null;
	/** Session id given at login (≥128 bits, hex); carried by login redirects and every pop. */
	sid: string | null;
	wrapUp: WrapUp | null;
}

/** Running totals for this shift. Averages are derived in selectors, never stored. */
export interface ShiftTotals {
	startedAt: number;
	callsHandled: number;
	/** Inbound calls that rang at this agent and ended unanswered (outbound failures are not missed calls). */
	callsMissed: number;
	talkMs: number;
	holdMs: number;
	wrapUpMs: number;
}

export interface PbxStatus {
	driver: string;
	connected: boolean;
	/** Human-readable reason when not connected (wrong secret, unreachable …). */
	message: string | null;
}

export interface SessionState {
	agent: AgentStatus;
	call: Call | null;
	queue: QueueEntry[];
	pbx: PbxStatus;
	/** The last finished calls, newest first, bounded (the full history lives in the JSONL file). */
	recentCalls: CallRecord[];
	shift: ShiftTotals;
	/** seq of the last event applied (0 before any). */
	seq: number;
}

// ---------------------------------------------------------------------------------------------
// Driver events: what a PBX driver reports, normalised. `at` is the driver clock in epoch ms.

export interface CallInfo {
	/** Driver handle for the call, stable for its whole life at this agent. */
	pbxCallId: string;
	/**
	 * The callid, when the driver derives it from the PBX's identity of the call (Asterisk: the
	 * Linkedid), so every desk gives one PBX call one callid. Absent: the session allocates one.
	 */
	callId?: string;
	origin: Origin;
	number: string;
	callerId: string;
	calledId: string;
	groupId: string;
}

export type DriverEvent =
	| {type: 'connection-changed'; at: number; connected: boolean; message: string | null}
	/** The agent's presence on the PBX: logged out, paused (with reason) or available. */
	| {type: 'agent-state-changed'; at: number; state: 'logged-out' | 'not-ready' | 'ready'; reason: string | null}
	/** An inbound call rings at the agent's phone. */
	| ({type: 'call-offered'; at: number} & CallInfo)
	/** The agent started an outbound call; the far end is not answering yet. */
	| ({type: 'call-dialing'; at: number} & CallInfo)
	| {type: 'call-answered'; at: number; pbxCallId: string}
	| {type: 'call-held'; at: number; pbxCallId: string}
	| {type: 'call-resumed'; at: number; pbxCallId: string}
	| {type: 'consult-started'; at: number; pbxCallId: string; target: string}
	| {type: 'consult-answered'; at: number; pbxCallId: string}
	/**
	 * The consult leg ended without a transfer: the agent is back with the customer (held, unless
	 * a call-resumed follows). `reason` says why when it failed ("104 could not be reached").
	 */
	| {type: 'consult-ended'; at: number; pbxCallId: string; reason?: string}
	| {type: 'call-transferred'; at: number; pbxCallId: string; target: string; mode: TransferMode}
	/** The consult party joined the customer and the agent: a three-way call. */
	| {type: 'call-conferenced'; at: number; pbxCallId: string; party: string}
	/** The third party left the three-way call; the agent and the customer stay. */
	| {type: 'conference-party-left'; at: number; pbxCallId: string; party: string}
	| {type: 'call-muted'; at: number; pbxCallId: string}
	| {type: 'call-unmuted'; at: number; pbxCallId: string}
	| {type: 'dtmf-sent'; at: number; pbxCallId: string; digits: string}
	| {type: 'call-ended'; at: number; pbxCallId: string; cause: EndCause}
	/** The complete list of callers waiting in the agent's groups, oldest first. */
	| {type: 'queue-changed'; at: number; entries: QueueEntry[]}
	/** After a (re)connect the PBX was brought in line with the agent's intent, or a call adopted. */
	| {type: 'pbx-reconciled'; at: number; changes: ReconcileChange[]};

/** One thing a reconcile after a (re)connect changed, for the Events tab. */
export type ReconcileChange =
	| {what: 'member-added'; queue: string; paused: boolean; reason: string | null}
	| {what: 'member-paused'; queue: string; reason: string | null}
	| {what: 'member-unpaused'; queue: string}
	| {what: 'call-adopted'; number: string};

/** What the agent wants the PBX to show: applied by the driver after every (re)connect. */
export interface PresenceIntent {
	paused: boolean;
	reason: string | null;
}

// ---------------------------------------------------------------------------------------------
// Session events: driver events as the session store applies them (with seq and callId),
// plus the few the session raises itself.

export type SessionEvent =
	| (Exclude<DriverEvent, {type: 'call-offered'} | {type: 'call-dialing'}> & {seq: number})
	| (Extract<DriverEvent, {type: 'call-offered'} | {type: 'call-dialing'}> & {seq: number; callId: string})
	| {type: 'agent-logged-in'; at: number; seq: number; identity: AgentIdentity; sid: string}
	| {type: 'wrap-up-started'; at: number; seq: number; until: number | null; returnTo: Presence; returnReason: string | null}
	/** `expired`: its time ran out while the PBX was unreachable, ended at the reconnect. */
	| {type: 'wrap-up-ended'; at: number; seq: number; expired?: boolean}
	/** The agent picked a wrap-up code (and maybe wrote a note) for a finished call. */
	| {type: 'disposition-set'; at: number; seq: number; callId: string; disposition: string; note: string | null};

export type SessionEventType = SessionEvent['type'];

// ---------------------------------------------------------------------------------------------
// Commands: what the UI, the local server and scripts ask the session to do.

export type Command =
	| {type: 'login'; user: string; password: string}
	/** login.cgi: the caller already proved who it is (password or token checked by the server). */
	| {type: 'logout'}
	| {type: 'ready'}
	| {type: 'away'; reason: string}
	| {type: 'answer'}
	| {type: 'hangup'}
	| {type: 'hold'}
	| {type: 'unhold'}
	| {type: 'dial'; number: string}
	| {type: 'transfer'; target: string; mode: TransferMode}
	| {type: 'complete-transfer'}
	| {type: 'cancel-transfer'}
	/** During a consult: merge the consulted party into a three-way call. */
	| {type: 'conference'}
	| {type: 'dtmf'; digits: string}
	| {type: 'mute'}
	| {type: 'unmute'}
	/**
	 * After a call: record a wrap-up code and note for `callId` (any recent call; absent: the
	 * last one). Coding a call again corrects it.
	 */
	| {type: 'disposition'; code: string; note: string | null; callId?: string}
	/** Simulator only: put an inbound call into this agent's queue now (demo key `i`). */
	| {type: 'inject-call'};

export type CommandType = Command['type'];

export type ErrorCode =
	| 'not-allowed' // the command makes no sense in the current state
	| 'not-supported' // this PBX cannot do it (capabilities)
	| 'bad-input' // a value failed validation
	| 'auth-failed' // wrong user or password
	| 'pbx-refused' // the PBX said no
	| 'pbx-unavailable' // not connected to the PBX
	| 'busy'; // another command is still running

export type Result = {ok: true} | {ok: false; code: ErrorCode; message: string};

export const ok: Result = {ok: true};

export function refuse(code: ErrorCode, message: string): Result {
	return {ok: false, code, message};
}

// ---------------------------------------------------------------------------------------------
// What a PBX can do, and the injected time source: used by core, the drivers, pops and the UI.

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

/** Injectable time source: core and drivers never call Date.now() or setTimeout directly. */
export interface Clock {
	now(): number;
	setTimeout(callback: () => void, ms: number): TimerHandle;
	clearTimeout(handle: TimerHandle): void;
}

export type TimerHandle = {readonly id: number} | ReturnType<typeof setTimeout>;

