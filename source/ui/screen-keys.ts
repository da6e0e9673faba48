// Keys while no prompt or overlay is open: tabs, lists, the wrap-up codes (digits, which no
// toolbar key uses) and the toolbar actions. Pure: state + key → state + effects.
import type {Key} from 'ink';
import type {Command} from '../core/types.js';
import {availability} from './availability.js';
import {matchKey, type UiAction} from './keymap.js';
import {tabNames, type Effect, type KeyContext, type Reduced, type UiState} from './ui-state.js';

const run = (command: Command): Effect => ({type: 'run', command});

/** The call a code goes to: the History row selected on the History tab, else the call just ended. */
export function codeTarget(state: UiState, context: KeyContext) {
	const calls = context.session.recentCalls;
	if (state.tab === 'history') return calls[Math.min(state.historyIndex, calls.length - 1)] ?? null;
	return calls[0] ?? null;
}

/** Digits 1–9 code a call at once: in wrap-up the call just ended, on the History tab the selected row. */
function quickCode(state: UiState, input: string, context: KeyContext): Reduced | null {
	if (!/^[1-9]$/.test(input) || context.bindings.some((binding) => binding.key === input)) return null;
	const codes = context.settings.dispositions;
	const code = codes[Number(input) - 1];
	const inWrapUp = context.session.agent.state === 'wrap-up';
	if (!code || !(inWrapUp || state.tab === 'history')) return null;
	const target = codeTarget(state, context);
	if (!target) return null;
	return {
		state,
		effects: [run({type: 'disposition', callId: target.callId, code, note: target.note ?? null})],
	};
}

export function reduceScreenKey(state: UiState, input: string, key: Key, context: KeyContext): Reduced {
	const same = {state, effects: []};
	if (key.tab) {
		// Tabs move here, not in ink-tab: its own handler reads a stale state when several Tab
		// presses arrive in one chunk (tmux send-keys, a fast typist over SSH).
		const index = tabNames.indexOf(state.tab);
		const tab = tabNames[(index + (key.shift ? tabNames.length - 1 : 1)) % tabNames.length]!;
		return {state: {...state, tab}, effects: []};
	}
	if (key.upArrow || key.downArrow) {
		const step = key.upArrow ? -1 : 1;
		if (state.tab === 'queue' || (state.tab === 'call' && context.session.queue.length > 0))
			return {state: {...state, queueOffset: Math.max(0, state.queueOffset + step)}, effects: []};
		if (state.tab === 'history') {
			const count = context.session.recentCalls.length;
			if (count === 0) return same;
			return {state: {...state, historyIndex: (state.historyIndex + step + count) % count}, effects: []};
		}
		if (state.tab === 'links') {
			const count = context.settings.links.length;
			if (count === 0) return same;
			return {state: {...state, linkIndex: (state.linkIndex + step + count) % count}, effects: []};
		}
		return same;
	}
	if (key.return) {
		if (state.tab === 'links') {
			const link = context.settings.links[state.linkIndex];
			return link ? {state, effects: [{type: 'open-link', url: link.url}]} : same;
		}
		if (state.tab === 'history') return startAction(state, 'code', context);
		return same;
	}
	const coded = quickCode(state, input, context);
	if (coded) return coded;
	const action = matchKey(context.bindings, input, key);
	return action ? startAction(state, action, context) : same;
}

export function startAction(state: UiState, action: UiAction, context: KeyContext): Reduced {
	const {session, capabilities, settings} = context;
	const open = (overlay: NonNullable<UiState['overlay']>): Reduced => ({state: {...state, overlay}, effects: []});
	const can = availability(action, session, capabilities);
	if (!can.enabled && action !== 'quit') {
		// Still ask the session so the agent reads why (one source of refusal messages).
		const probe: Partial<Record<UiAction, Command>> = {
			login: {type: 'login', user: settings.agentUser, password: ''},
			dial: {type: 'dial', number: '0'},
			transfer: {type: 'transfer', target: '0', mode: 'blind'},
			away: {type: 'away', reason: '\u0000any'},
			hold: {type: session.agent.state === 'held' ? 'unhold' : 'hold'},
			logout: {type: 'logout'},
			ready: {type: 'ready'},
			answer: {type: 'answer'},
			hangup: {type: 'hangup'},
			code: {type: 'disposition', code: '-', note: null},
		};
		const command = probe[action];
		return {state, effects: command ? [run(command)] : []};
	}
	switch (action) {
		case 'login':
			return open({kind: 'login', value: '', error: null});
		case 'logout':
		case 'ready':
		case 'answer':
		case 'hangup':
			return {state, effects: [run({type: action})]};
		case 'hold':
			return {state, effects: [run({type: session.agent.state === 'held' ? 'unhold' : 'hold'})]};
		case 'away':
			return open({kind: 'away', selected: 0});
		case 'dial':
			return open({kind: 'dial', value: '', error: null});
		case 'transfer':
			return open(
				session.call?.consult
					? {kind: 'consult-action', selected: 0}
					: {kind: 'transfer-target', value: '', error: null},
			);
		case 'inject':
			return {state, effects: [run({type: 'inject-call'})]};
		case 'code': {
			const target = codeTarget(state, context);
			if (!target) return {state, effects: [run({type: 'disposition', code: '', note: null})]};
			const codes = settings.dispositions;
			const current = target.disposition ? codes.indexOf(target.disposition) : -1;
			return open({
				kind: 'code',
				callId: target.callId,
				number: target.number,
				selected: Math.max(0, current),
				value: target.note ?? '',
				fromWrapUp: session.agent.state === 'wrap-up' && target === session.recentCalls[0],
				error: null,
			});
		}
		case 'settings':
			if (!context.admin) return {state, effects: [{type: 'notice', key: 'settings.remote', level: 'warn'}]};
			// The installer sets the admin password (ctidesk set-admin-password), never the first person to press s.
			if (!context.admin.hasPassword)
				return {state, effects: [{type: 'notice', key: 'settings.noAdminPassword', level: 'warn'}]};
			return open({kind: 'admin-password', value: '', error: null});
		case 'help':
			return open({kind: 'help'});
		case 'quit':
			if (context.mode === 'attached') return open({kind: 'quit-attached'});
			// A call up: always ask first, whatever logoutOnExit says (issue 12: nothing may drop it unasked).
			if (session.call) return open({kind: 'quit', callUp: true});
			if (session.agent.state !== 'logged-out' && settings.logoutOnExit) return open({kind: 'quit'});
			return {state, effects: [{type: 'exit', choice: 'stop'}]};
		case 'detach':
			return context.mode === 'attached'
				? {state, effects: [{type: 'exit', choice: 'detach'}]}
				: {state, effects: [{type: 'notice', key: 'message.notAttached', level: 'warn'}]};
		case 'command':
			return open({
				kind: 'command',
				value: '',
				error: null,
				completions: null,
				completionIndex: 0,
				historyIndex: null,
			});
		case 'pops':
			return {state, effects: [{type: 'reopen-pop'}]};
		case 'redraw':
			return {state, effects: [{type: 'redraw'}]};
	}
}
