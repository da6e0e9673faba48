// What is shown over the tabs (prompts, pickers, help, settings) and how keys edit it.
// Pure functions, so several keys in one stdin chunk apply one after another (house rule 13).
import type {Key} from 'ink';
import type {SettingsField} from './desk.js';

export type Overlay =
	| {kind: 'login'; value: string; error: string | null}
	| {kind: 'dial'; value: string; error: string | null}
	| {kind: 'transfer-target'; value: string; error: string | null}
	| {kind: 'transfer-mode'; target: string; selected: number}
	| {kind: 'consult-action'; selected: number}
	| {kind: 'away'; selected: number}
	| {kind: 'help'}
	/** `callUp`: a call is up, and quitting stops following it (it stays up on the phone). */
	| {kind: 'quit'; callUp?: boolean}
	| {kind: 'quit-attached'}
	| {
			kind: 'command';
			value: string;
			error: string | null;
			completions: string[] | null;
			completionIndex: number;
			historyIndex: number | null;
	  }
	/**
	 * Coding a finished call (any recent one): ↑/↓ picks the code, typing writes the note. Opened
	 * on purpose (c, or Enter on a History row), never by itself. `fromWrapUp`: closes when the
	 * wrap-up ends.
	 */
	| {
			kind: 'code';
			callId: string;
			number: string;
			selected: number;
			value: string;
			fromWrapUp: boolean;
			error: string | null;
	  }
	| {kind: 'reconnect'; file: string}
	| {kind: 'admin-new'; value: string; first: string | null; error: string | null}
	| {kind: 'admin-password'; value: string; error: string | null}
	| {
			kind: 'settings';
			fields: SettingsField[];
			selected: number;
			editing: string | null;
			message: string | null;
			/** Edited and not saved yet. */
			dirty: boolean;
			/** Esc with unsaved edits: asking whether to drop them. */
			confirmDiscard: boolean;
	  };

export type TextOverlay = Extract<Overlay, {value: string}>;

/** Characters a phone number or extension may hold (INK-PITFALLS 5: the dial prompt filters). */
export const dialCharacters = /^[0-9*#+]$/;

const maxInput = 64;

/** Applies one key to a text field; returns the new value, or null when the key is not an edit. */
export function editText(
	value: string,
	input: string,
	key: Key,
	accept: (character: string) => boolean,
	max = maxInput,
): string | null {
	if (key.backspace || key.delete) return value.slice(0, -1);
	if (key.ctrl && input === 'u') return '';
	if (key.ctrl || key.meta || key.return || key.escape || key.tab || key.upArrow || key.downArrow)
		return null;
	if (!input) return null;
	// Pasted text arrives as one chunk: keep the characters that fit.
	const added = [...input].filter((character) => accept(character)).join('');
	if (!added) return value;
	return [...(value + added)].slice(0, max).join('');
}

export const printable = (character: string) => character >= ' ' && character !== '\u007f';

export function moveSelection(selected: number, count: number, key: Key, input: string): number {
	if (key.upArrow) return (selected - 1 + count) % count;
	if (key.downArrow) return (selected + 1) % count;
	const digit = Number.parseInt(input, 10);
	if (Number.isInteger(digit) && digit >= 1 && digit <= count) return digit - 1;
	return selected;
}

/** A key press with no flag set (tests and pasted text build on it). */
export const plainKey: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/**
 * Ink 6 hands a chunk of several typed keys to useInput as one string ("101\r" when keys
 * arrive together, as over SSH or from tmux send-keys). Split plain text back into single keys
 * so Enter and Backspace inside it still act; escape sequences are left whole.
 */
export function splitKeys(input: string, key: Key): Array<[string, Key]> {
	if ([...input].length <= 1 || input.includes('\u001B')) return [[input, key]];
	return [...input].map((character): [string, Key] => {
		if (character === '\r' || character === '\n') return ['', {...plainKey, return: true}];
		if (character === '\u007F' || character === '\b') return ['', {...plainKey, backspace: true}];
		if (character === '\t') return ['', {...plainKey, tab: true}];
		const code = character.codePointAt(0)!;
		if (code < 0x20) return [String.fromCodePoint(code + 0x60), {...plainKey, ctrl: true}];
		return [character, {...plainKey, shift: character !== character.toLowerCase()}];
	});
}
