// Colours and symbols in one place.
import type {AgentState} from '../core/types.js';

export const stateColor: Record<AgentState, string> = {
	'logged-out': 'gray',
	'not-ready': 'yellow',
	ready: 'green',
	ringing: 'magentaBright',
	dialing: 'cyan',
	talking: 'blueBright',
	held: 'yellowBright',
	'wrap-up': 'cyan',
};

export const symbols = {
	dot: '●',
	separator: '│',
	ringing: '☎',
	inbound: '←',
	outbound: '→',
} as const;
