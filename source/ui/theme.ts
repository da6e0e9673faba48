// Colours and symbols in one place. Every agent state has its own hue and its own symbol, so
// the state reads at a glance, and still reads with NO_COLOR (the symbol and the word remain).
// The banner fills its background and sets the text colour itself, so it is readable on dark
// and light terminals alike (docs/screen.md shows the table).
import type {AgentState} from '../core/types.js';

export interface StateStyle {
	/** Background of the banner. */
	background: string;
	/** Text on that background: black on light hues, white on dark ones. */
	foreground: string;
	/** The hue used for the state word outside the banner (toolbar hints, lists). */
	accent: string;
	symbol: string;
}

export const stateStyle: Record<AgentState, StateStyle> = {
	'logged-out': {background: 'gray', foreground: 'white', accent: 'gray', symbol: '○'},
	'not-ready': {background: 'red', foreground: 'white', accent: 'red', symbol: '◑'},
	ready: {background: 'green', foreground: 'black', accent: 'green', symbol: '●'},
	ringing: {background: 'magenta', foreground: 'white', accent: 'magenta', symbol: '☎'},
	dialing: {background: 'blue', foreground: 'white', accent: 'blue', symbol: '→'},
	talking: {background: 'cyan', foreground: 'black', accent: 'cyan', symbol: '◉'},
	held: {background: 'yellow', foreground: 'black', accent: 'yellow', symbol: '‖'},
	'wrap-up': {background: 'white', foreground: 'black', accent: 'white', symbol: '✎'},
};

/** The accent colour per state (lists, the call line). */
export const stateColor: Record<AgentState, string> = Object.fromEntries(
	Object.entries(stateStyle).map(([state, style]) => [state, style.accent]),
) as Record<AgentState, string>;

export const symbols = {
	dot: '●',
	separator: '│',
	ringing: '☎',
	inbound: '←',
	outbound: '→',
} as const;
