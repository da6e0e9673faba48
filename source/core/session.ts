// The session reducer: every rule of agent and call state, as one pure function.
// reduce(state, event) → state. No I/O, no clock: time comes in on the events.
import type {
	AgentState,
	AgentStatus,
	Call,
	CallRecord,
	EndCause,
	SessionEvent,
	SessionState,
} from './types.js';

/** How many finished calls the snapshot keeps for the History tab (the file keeps them all). */
export const recentCallsLimit = 50;

export function createInitialState(
	driver: string,
	now: number,
	recentCalls: CallRecord[] = [],
): SessionState {
	return {
		agent: {
			state: 'logged-out',
			reason: null,
			since: now,
			presence: 'logged-out',
			identity: null,
			sid: null,
			wrapUp: null,
		},
		call: null,
		queue: [],
		pbx: {driver, connected: false, message: null},
		recentCalls: recentCalls.slice(0, recentCallsLimit),
		shift: {startedAt: now, callsHandled: 0, callsMissed: 0, talkMs: 0, holdMs: 0, wrapUpMs: 0},
		seq: 0,
	};
}

export function reduce(state: SessionState, event: SessionEvent): SessionState {
	const next = apply(state, event);
	if (next === state) return state;
	return withDerivedAgentState(state, next, event.at, event.seq);
}

function apply(state: SessionState, event: SessionEvent): SessionState {
	switch (event.type) {
		case 'connection-changed':
			// A dropped PBX link changes nothing else: the agent stays logged in and the call stays
			// up on the PBX; the driver resyncs after reconnecting.
			if (state.pbx.connected === event.connected && state.pbx.message === event.message) return state;
			return {...state, pbx: {...state.pbx, connected: event.connected, message: event.message}};

		case 'agent-state-changed': {
			const reason = event.state === 'not-ready' ? event.reason : null;
			if (event.state === 'logged-out') {
				const {wrapUp, identity} = state.agent;
				// PBXs repeat presence (resync after a reconnect): a repeat is no change.
				if (state.agent.presence === 'logged-out' && !wrapUp && !identity) return state;
				const agent: AgentStatus = {...state.agent, presence: 'logged-out', reason, identity: null, sid: null, wrapUp: null};
				// Logging out ends an open wrap-up: its time still counts for the shift.
				const shift = wrapUp
					? {...state.shift, wrapUpMs: state.shift.wrapUpMs + Math.max(0, event.at - wrapUp.startedAt)}
					: state.shift;
				return {...state, agent, shift};
			}
			if (state.agent.presence === event.state && state.agent.reason === reason) return state;
			return {...state, agent: {...state.agent, presence: event.state, reason}};
		}

		case 'agent-logged-in':
			return {...state, agent: {...state.agent, identity: event.identity, sid: event.sid}};

		case 'call-offered':
		case 'call-dialing': {
			// One call at a time: a second offer while a call is up is not ours to show.
			if (state.call) return state;
			const identity = state.agent.identity;
			const call: Call = {
				callId: event.callId,
				pbxCallId: event.pbxCallId,
				origin: event.origin,
				number: event.number,
				callerId: event.callerId,
				calledId: event.calledId,
				groupId: event.groupId,
				agentId: identity?.agentId ?? '',
				empId: identity?.empId ?? '',
				state: event.type === 'call-offered' ? 'ringing' : 'dialing',
				startedAt: event.at,
				answeredAt: null,
				endedAt: null,
				heldMs: 0,
				heldSince: null,
				endCause: null,
				transferTarget: null,
				transferMode: null,
				consult: null,
				conferenceWith: null,
				muted: false,
			};
			return {...state, call};
		}

		case 'call-answered':
			return updateCall(state, event.pbxCallId, (call) =>
				call.state === 'ringing' || call.state === 'dialing'
					? {...call, state: 'talking', answeredAt: event.at}
					: call,
			);

		case 'call-held':
			return updateCall(state, event.pbxCallId, (call) =>
				call.state === 'talking' ? {...call, state: 'held', heldSince: event.at} : call,
			);

		case 'call-resumed':
			return updateCall(state, event.pbxCallId, (call) => (call.state === 'held' ? resume(call, event.at) : call));

		case 'consult-started':
			return updateCall(state, event.pbxCallId, (call) => ({
				...call,
				consult: {target: event.target, state: 'dialing', startedAt: event.at, answeredAt: null},
			}));

		case 'consult-answered':
			return updateCall(state, event.pbxCallId, (call) =>
				call.consult ? {...call, consult: {...call.consult, state: 'talking', answeredAt: event.at}} : call,
			);

		case 'consult-ended':
			return updateCall(state, event.pbxCallId, (call) => (call.consult ? {...call, consult: null} : call));

		case 'call-transferred':
			return updateCall(state, event.pbxCallId, (call) => ({
				...call,
				transferTarget: event.target,
				transferMode: event.mode,
			}));

		case 'call-conferenced':
			// The consult leg became a party of the call: the customer is back, no longer held.
			return updateCall(state, event.pbxCallId, (call) => ({
				...(call.state === 'held' ? resume(call, event.at) : call),
				consult: null,
				conferenceWith: event.party,
			}));

		case 'conference-party-left':
			return updateCall(state, event.pbxCallId, (call) =>
				call.conferenceWith === null ? call : {...call, conferenceWith: null},
			);

		case 'call-muted':
		case 'call-unmuted': {
			const muted = event.type === 'call-muted';
			return updateCall(state, event.pbxCallId, (call) => (call.muted === muted ? call : {...call, muted}));
		}

		case 'dtmf-sent':
			return state; // a fact for the log and subscribers; the call itself does not change

		case 'disposition-set': {
			const index = state.recentCalls.findIndex((record) => record.callId === event.callId);
			if (index === -1) return state;
			const recentCalls = state.recentCalls.map((record, position) =>
				position === index ? {...record, disposition: event.disposition, note: event.note} : record,
			);
			return {...state, recentCalls};
		}

		case 'call-ended': {
			const call = state.call;
			if (!call || call.pbxCallId !== event.pbxCallId) return state;
			const record = toRecord(call.state === 'held' ? resume(call, event.at) : call, event.at, event.cause);
			const answered = record.answeredAt !== null;
			const talkMs = answered ? Math.max(0, record.endedAt - record.answeredAt! - record.heldMs) : 0;
			// A queue that rings this agent again for the same PBX call gives it the same callid
			// (12, or a rejected ring): one call, one History row, one missed call, not one per ring.
			const earlier = state.recentCalls.findIndex((entry) => entry.callId === record.callId);
			const before = earlier >= 0 ? state.recentCalls[earlier]! : null;
			const rerung =
				before !== null && before.answeredAt === null && before.number === record.number && before.origin === record.origin;
			// Newest first, bounded: one copy of the list per call.
			const recentCalls = (rerung ? state.recentCalls.filter((_, index) => index !== earlier) : state.recentCalls).slice(0, recentCallsLimit - 1);
			recentCalls.unshift(rerung && !answered ? {...record, startedAt: before!.startedAt} : record);
			return {
				...state,
				call: null,
				recentCalls,
				shift: {
					...state.shift,
					callsHandled: state.shift.callsHandled + (answered ? 1 : 0),
					// Missed: an inbound call that rang here and was not answered (once per PBX call, however
					// often the queue rang it: rerung). An outbound call that was busy or invalid is not missed.
					callsMissed: Math.max(
						0,
						state.shift.callsMissed +
							(answered || rerung || record.origin !== 1 ? 0 : 1) -
							(rerung && answered ? 1 : 0),
					),
					talkMs: state.shift.talkMs + talkMs,
					holdMs: state.shift.holdMs + record.heldMs,
				},
			};
		}

		case 'pbx-reconciled':
			// Only the Events tab shows it: what the driver changed already came as its own events.
			return state;

		case 'wrap-up-started':
			return {
				...state,
				agent: {
					...state.agent,
					wrapUp: {
						startedAt: event.at,
						until: event.until,
						returnTo: event.returnTo,
						returnReason: event.returnReason,
					},
				},
			};

		case 'wrap-up-ended': {
			const wrapUp = state.agent.wrapUp;
			if (!wrapUp) return state;
			return {
				...state,
				agent: {...state.agent, wrapUp: null},
				shift: {...state.shift, wrapUpMs: state.shift.wrapUpMs + Math.max(0, event.at - wrapUp.startedAt)},
			};
		}

		case 'queue-changed':
			return {...state, queue: event.entries};
	}
}

function updateCall(state: SessionState, pbxCallId: string, update: (call: Call) => Call): SessionState {
	const call = state.call;
	if (!call || call.pbxCallId !== pbxCallId) return state;
	const next = update(call);
	return next === call ? state : {...state, call: next};
}

function resume(call: Call, at: number): Call {
	const heldMs = call.heldSince === null ? call.heldMs : call.heldMs + Math.max(0, at - call.heldSince);
	return {...call, state: 'talking', heldMs, heldSince: null};
}

function toRecord(call: Call, endedAt: number, cause: EndCause): CallRecord {
	return {
		callId: call.callId,
		origin: call.origin,
		number: call.number,
		callerId: call.callerId,
		calledId: call.calledId,
		groupId: call.groupId,
		agentId: call.agentId,
		empId: call.empId,
		startedAt: call.startedAt,
		answeredAt: call.answeredAt,
		endedAt,
		heldMs: call.heldMs,
		endCause: cause,
		transferTarget: call.transferTarget,
		transferMode: call.transferMode,
		conferenceWith: call.conferenceWith,
		disposition: null,
		note: null,
	};
}

/** The agent state shown everywhere: a call decides it first, then wrap-up, then presence. */
export function deriveAgentState(state: SessionState): AgentState {
	const {call, agent} = state;
	if (call) return call.state === 'ended' ? agent.presence : call.state;
	if (agent.wrapUp && agent.presence !== 'logged-out') return 'wrap-up';
	return agent.presence;
}

/** Whether the shown state changed: another state, or another reason while not ready. */
function shownStateChanged(previous: AgentStatus, state: AgentState, reason: string | null): boolean {
	if (state !== previous.state) return true;
	return state === 'not-ready' && (reason ?? '') !== (previous.reason ?? '');
}

/** The next state with its seq and the agent state derived from it, built as one copy. */
function withDerivedAgentState(previous: SessionState, next: SessionState, at: number, seq: number): SessionState {
	const agentState = deriveAgentState(next);
	const changed = shownStateChanged(previous.agent, agentState, next.agent.reason);
	if (!changed && agentState === next.agent.state) return {...next, seq};
	return {...next, seq, agent: {...next.agent, state: agentState, since: changed ? at : next.agent.since}};
}
