// The timers the banner shows: one per meaning, each with its own label (issue 14 item 5). The
// time in state restarts at every state change, so while a call is up the banner shows the call's
// own clock instead, and in wrap-up only what is left of it.
import {callDuration, timeInState, wrapUpRemaining} from '../core/selectors.js';
import type {SessionState} from '../core/types.js';
import type {MessageKey} from './i18n/index.js';

export interface StateTimer {
	label: MessageKey;
	ms: number;
}

export function stateTimers(session: SessionState, now: number): StateTimer[] {
	const {agent, call} = session;
	if (call?.consult) {
		// A consult: its own clock first, then the customer's call (on hold meanwhile).
		return [
			{label: 'timer.consult', ms: Math.max(0, now - call.consult.startedAt)},
			{label: 'timer.call', ms: callDuration(call, now)},
		];
	}
	switch (agent.state) {
		case 'logged-out':
			return [];
		case 'not-ready':
		case 'ready':
			return [{label: 'timer.inState', ms: timeInState(session, now)}];
		case 'ringing':
		case 'dialing':
			return [{label: 'timer.inState', ms: call ? callDuration(call, now) : timeInState(session, now)}];
		case 'talking':
			return [{label: 'timer.call', ms: call ? callDuration(call, now) : timeInState(session, now)}];
		case 'held':
			return [
				{label: 'timer.hold', ms: call?.heldSince != null ? Math.max(0, now - call.heldSince) : timeInState(session, now)},
				...(call ? [{label: 'timer.call' as const, ms: callDuration(call, now)}] : []),
			];
		case 'wrap-up': {
			const left = wrapUpRemaining(session, now);
			return left === null
				? [{label: 'timer.inState', ms: timeInState(session, now)}]
				: [{label: 'timer.left', ms: left}];
		}
	}
}
