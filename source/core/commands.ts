// check(state, command, capabilities) → Result: what is allowed now, with a readable refusal.
// The session store runs this before a command reaches the driver, so a refused command
// changes nothing anywhere.
import type {AgentState, Capabilities, Command, Result, SessionState} from './types.js';
import {ok, refuse} from './types.js';

const onCall: readonly AgentState[] = ['ringing', 'dialing', 'talking', 'held'];

const stateNames: Record<AgentState, string> = {
	'logged-out': 'logged out',
	'not-ready': 'not ready',
	ready: 'ready',
	ringing: 'ringing',
	dialing: 'dialing',
	talking: 'talking',
	held: 'on hold',
	'wrap-up': 'in wrap-up',
};

// Values are validated at the edge (server, command line); an empty one still reaches here
// from a blank prompt, and the PBX would answer it with something far less clear.
function isBlank(value: string): boolean {
	return value.trim() === '';
}

function notNow(what: string, state: AgentState): Result {
	return refuse('not-allowed', `Cannot ${what} while ${stateNames[state]}.`);
}

export function check(state: SessionState, command: Command, capabilities: Capabilities): Result {
	const agentState = state.agent.state;
	const call = state.call;

	// Coding the last call is bookkeeping: it works with the PBX down too.
	if (command.type === 'disposition') {
		if (!command.code.trim()) return refuse('bad-input', 'Pick a wrap-up code.');
		if (command.callId !== undefined && !state.recentCalls.some((record) => record.callId === command.callId))
			return refuse('not-allowed', `Call ${command.callId} is not among the recent calls.`);
		return state.recentCalls.length > 0 ? ok : refuse('not-allowed', 'There is no finished call to code.');
	}

	if (command.type === 'inject-call') {
		return capabilities.injectCall
			? ok
			: refuse('not-supported', 'This PBX cannot inject demo calls (simulator only).');
	}

	if (!state.pbx.connected) {
		// The PBX message may already end with a full stop ("Authentication failed.").
		const why = state.pbx.message?.trim().replace(/\.+$/, '');
		return refuse('pbx-unavailable', `Not connected to the PBX${why ? `: ${why}` : ''}.`);
	}

	switch (command.type) {
		case 'login':
			return agentState === 'logged-out' ? ok : refuse('not-allowed', 'Already logged in.');

		case 'logout':
			if (agentState === 'logged-out') return refuse('not-allowed', 'Already logged out.');
			if (onCall.includes(agentState)) return refuse('not-allowed', 'Hang up the call before logging out.');
			return ok;

		case 'ready':
			if (agentState === 'ready') return refuse('not-allowed', 'Already ready.');
			return agentState === 'not-ready' || agentState === 'wrap-up' ? ok : notNow('go ready', agentState);

		case 'away':
			if (agentState === 'not-ready' && state.agent.reason === command.reason) {
				return refuse('not-allowed', `Already not ready (${command.reason}).`);
			}
			if (agentState !== 'ready' && agentState !== 'not-ready' && agentState !== 'wrap-up') {
				return notNow('go not ready', agentState);
			}
			return isBlank(command.reason) ? refuse('bad-input', 'Give a reason for going not ready.') : ok;

		case 'answer':
			if (!capabilities.answer) {
				return refuse('not-supported', 'This phone cannot be answered from ctidesk: lift the handset.');
			}
			return agentState === 'ringing' && call?.origin === 1 ? ok : refuse('not-allowed', 'No call is ringing.');

		case 'hangup':
			return call ? ok : refuse('not-allowed', 'There is no call to hang up.');

		case 'hold':
			if (!capabilities.hold) return refuse('not-supported', 'This PBX cannot put calls on hold.');
			if (agentState === 'held') return refuse('not-allowed', 'The call is already on hold.');
			if (call?.consult) return refuse('not-allowed', 'Cannot hold during a consult transfer.');
			return agentState === 'talking' ? ok : refuse('not-allowed', 'There is no call to hold.');

		case 'unhold':
			if (!capabilities.hold) return refuse('not-supported', 'This PBX cannot put calls on hold.');
			if (call?.consult) return refuse('not-allowed', 'Finish or cancel the consult transfer first.');
			return agentState === 'held' ? ok : refuse('not-allowed', 'The call is not on hold.');

		case 'dial':
			if (!capabilities.dial) return refuse('not-supported', 'This PBX cannot dial out.');
			if (agentState === 'logged-out') return refuse('not-allowed', 'Log in before dialling.');
			if (call) return refuse('not-allowed', 'Cannot dial while a call is up.');
			if (agentState !== 'ready' && agentState !== 'not-ready' && agentState !== 'wrap-up') {
				return notNow('dial', agentState);
			}
			return isBlank(command.number) ? refuse('bad-input', 'Give a number to dial.') : ok;

		case 'transfer': {
			const supported = command.mode === 'blind' ? capabilities.blindTransfer : capabilities.consultTransfer;
			if (!supported) return refuse('not-supported', `This PBX cannot do a ${command.mode} transfer.`);
			if (call?.consult) return refuse('not-allowed', 'A consult transfer is already in progress.');
			if (agentState !== 'talking' && agentState !== 'held') {
				return refuse('not-allowed', 'There is no answered call to transfer.');
			}
			return isBlank(command.target) ? refuse('bad-input', 'Give a number to transfer the call to.') : ok;
		}

		case 'complete-transfer':
			if (!call?.consult) return refuse('not-allowed', 'There is no consult transfer to complete.');
			return ok;

		case 'cancel-transfer':
			if (!call?.consult) return refuse('not-allowed', 'There is no consult transfer to cancel.');
			return ok;

		case 'conference':
			if (!capabilities.conference) return refuse('not-supported', 'This PBX cannot make three-way calls.');
			if (call?.consult?.state !== 'talking') {
				return refuse('not-allowed', 'Consult someone first (transfer → consult), then merge them in.');
			}
			return ok;

		case 'dtmf':
			if (!capabilities.dtmf) return refuse('not-supported', 'This PBX cannot send DTMF from ctidesk.');
			if (!/^[0-9*#A-D]{1,32}$/.test(command.digits)) {
				return refuse('bad-input', 'DTMF digits are 0-9, *, # and A-D (at most 32).');
			}
			return agentState === 'talking' ? ok : refuse('not-allowed', 'DTMF needs an answered call.');

		case 'mute':
		case 'unmute': {
			if (!capabilities.mute) return refuse('not-supported', 'This PBX cannot mute from ctidesk.');
			if (agentState !== 'talking' && agentState !== 'held') return refuse('not-allowed', 'There is no call to mute.');
			const muted = call?.muted ?? false;
			if (command.type === 'mute' && muted) return refuse('not-allowed', 'Already muted.');
			if (command.type === 'unmute' && !muted) return refuse('not-allowed', 'Not muted.');
			return ok;
		}
	}
}
