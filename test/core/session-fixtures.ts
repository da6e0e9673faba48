import type {Capabilities} from '../../source/core/types.js';
// Session states for the core tests, each reached through the reducer itself (never built by
// hand), so a fixture cannot describe a state the reducer would not produce.
import {createInitialState, reduce} from '../../source/core/session.js';
import type {AgentIdentity, CallInfo, SessionEvent, SessionState} from '../../source/core/types.js';

// Events as a test writes them: the reducer takes seq from the event, the helpers number them.
type Without<E> = E extends unknown ? Omit<E, 'seq'> : never;
export type Step = Without<SessionEvent>;
type Offer = Extract<Step, {type: 'call-offered' | 'call-dialing'}>;

export const t0 = Date.UTC(2026, 10, 25, 9, 0, 0);
export const at = (seconds: number) => t0 + seconds * 1000;

export const identity: AgentIdentity = {
	user: '101',
	agentId: '1',
	empId: '001',
	extension: '801',
	groups: ['1'],
};
export const sid = '3B4D5C6D7E8F9A3B4D5C6D7E8F9A3B4D';

export const inbound: CallInfo = {
	pbxCallId: 'sim-1',
	origin: 1,
	number: '1234567890',
	callerId: '1234567890',
	calledId: '801',
	groupId: '1',
};
export const outbound: CallInfo = {
	pbxCallId: 'sim-2',
	origin: 2,
	number: '5551234',
	callerId: '801',
	calledId: '5551234',
	groupId: '1',
};

export function play(state: SessionState, steps: readonly Step[]): SessionState {
	let next = state;
	for (const step of steps) next = reduce(next, {...step, seq: next.seq + 1} as SessionEvent);
	return next;
}

export const connected: Step = {
	type: 'connection-changed',
	at: at(0),
	connected: true,
	message: null,
};
export const loggedIn: Step[] = [
	connected,
	{type: 'agent-state-changed', at: at(1), state: 'not-ready', reason: 'login'},
	{type: 'agent-logged-in', at: at(1), identity, sid},
];
export const readied: Step[] = [
	...loggedIn,
	{type: 'agent-state-changed', at: at(2), state: 'ready', reason: null},
];
export const offered: Offer = {
	type: 'call-offered',
	at: at(10),
	callId: '20261125090010001',
	...inbound,
};
export const dialed: Offer = {
	type: 'call-dialing',
	at: at(10),
	callId: '20261125090010001',
	...outbound,
};
export const answered = (call: CallInfo, seconds = 20): Step => ({
	type: 'call-answered',
	at: at(seconds),
	pbxCallId: call.pbxCallId,
});
export const held: Step = {type: 'call-held', at: at(30), pbxCallId: inbound.pbxCallId};
export const talking: Step[] = [...readied, offered, answered(inbound)];
export const afterCall: Step[] = [
	...talking,
	{type: 'call-ended', at: at(40), pbxCallId: inbound.pbxCallId, cause: 'customer-hangup'},
];
export const wrapUpStarted: Step = {
	type: 'wrap-up-started',
	at: at(40),
	until: at(70),
	returnTo: 'ready',
	returnReason: null,
};
export const inWrapUp: Step[] = [
	...afterCall,
	wrapUpStarted,
	{type: 'agent-state-changed', at: at(41), state: 'not-ready', reason: 'wrap-up'},
];

/** Named starting points, each reached through the reducer itself. */
export const states = {
	'logged-out': [connected],
	'not-ready': loggedIn,
	ready: readied,
	ringing: [...readied, offered],
	dialing: [...readied, dialed],
	'dialing from not-ready': [...loggedIn, dialed],
	talking,
	held: [...talking, held],
	consult: [
		...talking,
		held,
		{type: 'consult-started', at: at(31), pbxCallId: inbound.pbxCallId, target: '802'},
	],
	'consult answered': [
		...talking,
		held,
		{type: 'consult-started', at: at(31), pbxCallId: inbound.pbxCallId, target: '802'},
		{type: 'consult-answered', at: at(35), pbxCallId: inbound.pbxCallId},
	],
	'wrap-up started': [...afterCall, wrapUpStarted],
	'wrap-up': inWrapUp,
	'outbound talking': [...readied, dialed, answered(outbound, 12)],
	'wrap-up, PBX ready again': [
		...inWrapUp,
		{type: 'agent-state-changed', at: at(50), state: 'ready', reason: null},
	],
	'wrap-up, PBX away again': [
		...inWrapUp,
		{type: 'agent-state-changed', at: at(50), state: 'not-ready', reason: 'lunch'},
	],
} satisfies Record<string, Step[]>;
export type From = keyof typeof states;

export const start = (from: From) => play(createInitialState('sim', t0), states[from]);

/** Capabilities of a PBX that can do everything, and of one that can do nothing. */
export const all: Capabilities = {
	answer: true,
	hold: true,
	dial: true,
	blindTransfer: true,
	consultTransfer: true,
	conference: true,
	dtmf: true,
	mute: true,
	injectCall: true,
};
export const none: Capabilities = {
	answer: false,
	hold: false,
	dial: false,
	blindTransfer: false,
	consultTransfer: false,
	conference: false,
	dtmf: false,
	mute: false,
	injectCall: false,
};
