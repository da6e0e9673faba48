// Which toolbar actions are possible now, asked of the same check() the session runs, so the
// toolbar never offers what the session would refuse.
import type {Capabilities} from '../cti/driver.js';
import {check} from '../core/commands.js';
import type {SessionState} from '../core/types.js';
import type {MessageKey} from './i18n/index.js';
import type {UiAction} from './keymap.js';

export interface Availability {
	enabled: boolean;
	hidden: boolean;
	label?: MessageKey;
}

export function availability(
	action: UiAction,
	state: SessionState,
	capabilities: Capabilities,
): Availability {
	const allowed = (command: Parameters<typeof check>[1]) => check(state, command, capabilities).ok;
	const call = state.call;
	switch (action) {
		case 'login':
			return {enabled: allowed({type: 'login', user: '', password: ''}), hidden: false};
		case 'logout':
			return {enabled: allowed({type: 'logout'}), hidden: false};
		case 'away':
			return {enabled: allowed({type: 'away', reason: '\u0000any'}), hidden: false};
		case 'ready':
			return {enabled: allowed({type: 'ready'}), hidden: false};
		case 'answer':
			return {enabled: allowed({type: 'answer'}), hidden: !capabilities.answer};
		case 'hangup':
			return {enabled: allowed({type: 'hangup'}), hidden: false};
		case 'hold':
			return state.agent.state === 'held'
				? {enabled: allowed({type: 'unhold'}), hidden: !capabilities.hold, label: 'action.unhold'}
				: {enabled: allowed({type: 'hold'}), hidden: !capabilities.hold};
		case 'dial':
			return {enabled: allowed({type: 'dial', number: '0'}), hidden: !capabilities.dial};
		case 'transfer':
			if (call?.consult) return {enabled: true, hidden: false, label: 'action.complete'};
			return {
				enabled:
					allowed({type: 'transfer', target: '0', mode: 'blind'}) ||
					allowed({type: 'transfer', target: '0', mode: 'consult'}),
				hidden: !capabilities.blindTransfer && !capabilities.consultTransfer,
			};
		case 'inject':
			return {enabled: capabilities.injectCall, hidden: !capabilities.injectCall};
		case 'code':
			return {enabled: state.recentCalls.length > 0, hidden: false};
		case 'settings':
		case 'help':
		case 'quit':
		case 'detach':
		case 'command':
		case 'pops':
		case 'redraw':
			return {enabled: true, hidden: false};
	}
}
