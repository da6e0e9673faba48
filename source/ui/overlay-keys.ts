// Keys while a prompt, picker or screen is open over the panels. Pure: overlay + key → next
// state + effects. Esc only closes (INK-PITFALLS 5); nothing destructive sits on a bare Esc.
import type {Key} from 'ink';
import {complete, parseCommandLine, type CommandLineContext} from './command-line.js';
import {dialCharacters, editText, moveSelection, printable, type Overlay} from './overlay.js';
import {startAction} from './screen-keys.js';
import type {Effect, KeyContext, Reduced, UiState} from './ui-state.js';

type Of<K extends Overlay['kind']> = Extract<Overlay, {kind: K}>;

const noteLimit = 500;
const settingLimit = 1024;

export function commandLineContext(context: KeyContext): CommandLineContext {
	return {
		reasons: context.settings.reasons,
		dispositions: context.settings.dispositions,
		lastDisposition: context.session.recentCalls[0]?.disposition ?? null,
		held: context.session.agent.state === 'held',
	};
}

export function reduceOverlayKey(state: UiState, overlay: Overlay, input: string, key: Key, context: KeyContext): Reduced {
	const set = (next: Overlay | null, effects: Effect[] = []): Reduced => ({state: {...state, overlay: next}, effects});
	if (key.escape) {
		if (overlay.kind === 'settings' && overlay.editing !== null) return set({...overlay, editing: null});
		if (overlay.kind === 'settings' && overlay.dirty && !overlay.confirmDiscard)
			return set({...overlay, confirmDiscard: true});
		return set(null);
	}
	switch (overlay.kind) {
		case 'help':
			return input === '?' ? set(null) : set(overlay);
		case 'quit':
			if (input === 'y' || input === 'Y' || key.return) return set(null, [{type: 'exit', choice: 'stop-logout'}]);
			return input === 'n' || input === 'N' ? set(null) : set(overlay);
		case 'quit-attached':
			if (input === 'd') return set(null, [{type: 'exit', choice: 'detach'}]);
			if (input === 's') return set(null, [{type: 'exit', choice: 'stop-logout'}]);
			return set(overlay);
		case 'reconnect':
			if (input === 'y' || input === 'Y' || key.return) return set(null, [{type: 'reconnect'}]);
			return input === 'n' || input === 'N' ? set(null) : set(overlay);
		case 'command':
			return reduceCommandKey(state, overlay, input, key, context);
		case 'code': {
			const codes = context.settings.dispositions;
			if (key.return) {
				const code = codes[overlay.selected];
				if (!code) return set(overlay);
				return set(null, [
					{type: 'run', command: {type: 'disposition', callId: overlay.callId, code, note: overlay.value.trim() || null}},
				]);
			}
			if (key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) {
				const step = key.upArrow || key.leftArrow ? -1 : 1;
				return set({...overlay, selected: (overlay.selected + step + codes.length) % codes.length});
			}
			if (key.ctrl && input === 'e') return set(overlay, [{type: 'edit-note', value: overlay.value}]);
			const value = editText(overlay.value, input, key, printable, noteLimit);
			return set(value === null ? overlay : {...overlay, value, error: null});
		}
		case 'login':
		case 'dial':
		case 'transfer-target':
		case 'admin-password':
		case 'admin-new': {
			if (key.return) return submitText(state, overlay, context);
			const accept =
				overlay.kind === 'dial' || overlay.kind === 'transfer-target'
					? (character: string) => dialCharacters.test(character)
					: printable;
			const value = editText(overlay.value, input, key, accept);
			return set(value === null ? overlay : {...overlay, value, error: null});
		}
		case 'away': {
			const reasons = context.settings.reasons;
			if (key.return) {
				const reason = reasons[overlay.selected];
				return reason ? set(null, [{type: 'run', command: {type: 'away', reason}}]) : set(null);
			}
			return set({...overlay, selected: moveSelection(overlay.selected, reasons.length, key, input)});
		}
		case 'transfer-mode': {
			const modes = ['blind', 'consult'] as const;
			const direct = input === 'b' ? 0 : input === 'c' ? 1 : null;
			if (key.return || direct !== null) {
				const mode = modes[direct ?? overlay.selected]!;
				return set(null, [{type: 'run', command: {type: 'transfer', target: overlay.target, mode}}]);
			}
			return set({...overlay, selected: moveSelection(overlay.selected, 2, key, input)});
		}
		case 'consult-action': {
			// Complete or go back to the customer; Esc just closes the menu (the consult goes on).
			const direct = input === 'c' ? 0 : input === 'b' ? 1 : null;
			if (key.return || direct !== null) {
				const which = direct ?? overlay.selected;
				return set(null, [{type: 'run', command: {type: which === 0 ? 'complete-transfer' : 'cancel-transfer'}}]);
			}
			return set({...overlay, selected: moveSelection(overlay.selected, 2, key, input)});
		}
		case 'settings':
			return reduceSettingsKey(state, overlay, input, key);
	}
}

function submitText(state: UiState, overlay: Of<'login' | 'dial' | 'transfer-target' | 'admin-password' | 'admin-new'>, context: KeyContext): Reduced {
	const set = (next: Overlay | null, effects: Effect[] = []): Reduced => ({state: {...state, overlay: next}, effects});
	const value = overlay.value;
	switch (overlay.kind) {
		case 'login':
			return set(null, [{type: 'run', command: {type: 'login', user: context.settings.agentUser, password: value}}]);
		case 'dial':
			return value ? set(null, [{type: 'run', command: {type: 'dial', number: value}}]) : set(overlay);
		case 'transfer-target':
			return value ? set({kind: 'transfer-mode', target: value, selected: 0}) : set(overlay);
		case 'admin-password':
			return set(overlay, [{type: 'verify-admin', password: value}]);
		case 'admin-new':
			if (overlay.first === null) {
				return value.length < 4
					? set({...overlay, value: '', error: 'settings.tooShort'})
					: set({...overlay, first: value, value: '', error: null});
			}
			if (overlay.first !== value) return set({kind: 'admin-new', value: '', first: null, error: 'settings.mismatch'});
			return set(overlay, [{type: 'set-admin', password: value}]);
	}
}

function reduceCommandKey(state: UiState, overlay: Of<'command'>, input: string, key: Key, context: KeyContext): Reduced {
	const set = (next: Overlay | null, effects: Effect[] = [], history = state.commandHistory): Reduced => ({
		state: {...state, overlay: next, commandHistory: history},
		effects,
	});
	const lineContext = commandLineContext(context);
	const history = state.commandHistory;
	if (key.tab) {
		const completions = overlay.completions ?? complete(overlay.value, lineContext);
		if (completions.length === 0) return set(overlay);
		const index = overlay.completions ? (overlay.completionIndex + 1) % completions.length : 0;
		return set({
			...overlay,
			value: completions[index]!,
			completions: completions.length > 1 ? completions : null,
			completionIndex: index,
			error: null,
		});
	}
	if (key.upArrow || key.downArrow) {
		if (history.length === 0) return set(overlay);
		const from = overlay.historyIndex ?? history.length;
		const index = Math.max(0, Math.min(history.length, from + (key.upArrow ? -1 : 1)));
		return set({...overlay, value: history[index] ?? '', historyIndex: index, completions: null});
	}
	if (key.return) {
		const text = overlay.value.trim();
		if (!text) return set(overlay);
		const nextHistory = history[history.length - 1] === text ? history : [...history, text].slice(-100);
		const result = parseCommandLine(text, lineContext);
		if (!result.ok)
			return set({...overlay, error: result.message, completions: null, historyIndex: null}, [], nextHistory);
		if ('command' in result) return set(null, [{type: 'run', command: result.command}], nextHistory);
		const closed: UiState = {...state, overlay: null, commandHistory: nextHistory};
		return startAction(closed, result.ui === 'reopen-pop' ? 'pops' : result.ui, context);
	}
	const value = editText(overlay.value, input, key, printable, settingLimit);
	return set(value === null ? overlay : {...overlay, value, error: null, completions: null, historyIndex: null});
}

function reduceSettingsKey(state: UiState, overlay: Of<'settings'>, input: string, key: Key): Reduced {
	const set = (next: Overlay | null, effects: Effect[] = []): Reduced => ({state: {...state, overlay: next}, effects});
	if (overlay.confirmDiscard) {
		if (input === 'y' || input === 'Y') return set(null);
		return set({...overlay, confirmDiscard: false});
	}
	const field = overlay.fields[overlay.selected]!;
	const withValue = (value: string) =>
		overlay.fields.map((item, index) => (index === overlay.selected ? {...item, value} : item));
	if (overlay.editing !== null) {
		if (key.return) {
			const dirty = overlay.dirty || overlay.editing !== field.value;
			return set({...overlay, fields: withValue(overlay.editing), editing: null, dirty, message: null});
		}
		const value = editText(overlay.editing, input, key, printable, settingLimit);
		return set(value === null ? overlay : {...overlay, editing: value});
	}
	const cycle = () => {
		const choices = field.choices!;
		const value = choices[(choices.indexOf(field.value) + 1) % choices.length]!;
		return set({...overlay, fields: withValue(value), dirty: true, message: null});
	};
	if (key.upArrow || key.downArrow || key.pageUp || key.pageDown) {
		const step = key.pageUp ? -10 : key.pageDown ? 10 : key.upArrow ? -1 : 1;
		const selected = Math.max(0, Math.min(overlay.fields.length - 1, overlay.selected + step));
		return set({...overlay, selected, message: null});
	}
	if (key.return) return field.choices ? cycle() : set({...overlay, editing: field.value});
	if (input === ' ' && field.choices) return cycle();
	if (input === 'w') {
		const values = Object.fromEntries(overlay.fields.map((item) => [item.path, item.value]));
		return set(overlay, [{type: 'save-settings', values}]);
	}
	return set(overlay);
}
