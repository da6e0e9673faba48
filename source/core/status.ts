// The public JSON shape of status.cgi and of the WebSocket snapshot: a contract with CRM scripts
// (issue part 2). Field names follow the pop parameters; times are epoch ms.
import type {AgentState, Origin, SessionState} from './types.js';

export interface StatusJson {
	ok: true;
	seq: number;
	agent: {
		state: AgentState;
		reason: string | null;
		since: number;
		user: string | null;
		agentId: string | null;
		empId: string | null;
		groups: string[];
	};
	call: {
		callId: string;
		origin: Origin;
		number: string;
		callerId: string;
		calledId: string;
		groupId: string;
		state: string;
		startedAt: number;
		answeredAt: number | null;
		/** The customer is on hold (by the agent, or during a consult). */
		held: boolean;
		/** The agent's microphone is muted. */
		muted: boolean;
		/** A consult transfer in progress: who is consulted and whether they answered. */
		consult: {target: string; state: 'dialing' | 'talking'} | null;
		/** The consulted party was merged in: a three-way call. */
		conferenced: boolean;
	} | null;
	queue: Array<{number: string; groupId: string; waitingSince: number}>;
	pbx: {driver: string; connected: boolean};
}

export function toStatusJson(state: SessionState): StatusJson {
	const {agent, call} = state;
	return {
		ok: true,
		seq: state.seq,
		agent: {
			state: agent.state,
			reason: agent.reason,
			since: agent.since,
			user: agent.identity?.user ?? null,
			agentId: agent.identity?.agentId ?? null,
			empId: agent.identity?.empId ?? null,
			groups: agent.identity?.groups ?? [],
		},
		call: call && {
			callId: call.callId,
			origin: call.origin,
			number: call.number,
			callerId: call.callerId,
			calledId: call.calledId,
			groupId: call.groupId,
			state: call.state,
			startedAt: call.startedAt,
			answeredAt: call.answeredAt,
			held: call.state === 'held',
			muted: call.muted,
			consult: call.consult && {target: call.consult.target, state: call.consult.state},
			conferenced: call.conferenceWith !== null,
		},
		queue: state.queue.map((entry) => ({number: entry.number, groupId: entry.groupId, waitingSince: entry.waitingSince})),
		pbx: {driver: state.pbx.driver, connected: state.pbx.connected},
	};
}
