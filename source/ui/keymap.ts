// Keys are data (house rule 5): this one table feeds the key handler, the toolbar and the help
// overlay. Config `keys` remaps an action to another key.
import type {Key} from 'ink';
import type {MessageKey} from './i18n/index.js';

export type UiAction =
	| 'login'
	| 'logout'
	| 'away'
	| 'ready'
	| 'answer'
	| 'hangup'
	| 'hold'
	| 'dial'
	| 'transfer'
	| 'inject'
	| 'settings'
	| 'help'
	| 'quit'
	| 'detach'
	| 'command'
	| 'pops'
	| 'code'
	| 'redraw';

export interface KeyBinding {
	action: UiAction;
	/** A printable character, or 'ctrl+<letter>'. */
	key: string;
	label: MessageKey;
	/** Shown in the toolbar (the rest only in the help overlay). */
	toolbar: boolean;
}

export const defaultKeymap: readonly KeyBinding[] = [
	{action: 'login', key: 'l', label: 'action.login', toolbar: true},
	{action: 'logout', key: 'x', label: 'action.logout', toolbar: true},
	{action: 'away', key: 'n', label: 'action.away', toolbar: true},
	{action: 'ready', key: 'r', label: 'action.ready', toolbar: true},
	{action: 'answer', key: 'p', label: 'action.answer', toolbar: true},
	{action: 'hangup', key: 'h', label: 'action.hangup', toolbar: true},
	{action: 'hold', key: 'o', label: 'action.hold', toolbar: true},
	{action: 'dial', key: 'd', label: 'action.dial', toolbar: true},
	{action: 'transfer', key: 't', label: 'action.transfer', toolbar: true},
	{action: 'inject', key: 'i', label: 'action.inject', toolbar: true},
	{action: 'settings', key: 's', label: 'action.settings', toolbar: true},
	{action: 'help', key: '?', label: 'action.help', toolbar: true},
	{action: 'quit', key: 'q', label: 'action.quit', toolbar: true},
	{action: 'redraw', key: 'ctrl+l', label: 'action.redraw', toolbar: false},
	{action: 'detach', key: 'ctrl+d', label: 'action.detach', toolbar: false},
	{action: 'command', key: ':', label: 'action.command', toolbar: false},
	{action: 'pops', key: 'ctrl+o', label: 'action.reopenPop', toolbar: false},
	{action: 'code', key: 'c', label: 'action.code', toolbar: false},
];

export const uiActions: readonly UiAction[] = defaultKeymap.map((binding) => binding.action);

/** Applies config overrides ({dial: 'c'}); unknown actions are ignored by the config schema's caller. */
export function createKeymap(overrides: Record<string, string> = {}): KeyBinding[] {
	return defaultKeymap.map((binding) => {
		const key = overrides[binding.action];
		return key ? {...binding, key} : binding;
	});
}

/** The action bound to a key press, if any. Ctrl+C always quits (raw mode sends no SIGINT). */
export function matchKey(
	bindings: readonly KeyBinding[],
	input: string,
	key: Key,
): UiAction | undefined {
	if (key.ctrl && input === 'c') return 'quit';
	const pressed = key.ctrl ? `ctrl+${input}` : input;
	if (!pressed || key.meta) return undefined;
	return bindings.find((binding) => binding.key === pressed)?.action;
}

export function keyLabel(key: string): string {
	return key.startsWith('ctrl+') ? `^${key.slice(5).toUpperCase()}` : key;
}
