// The key reducer alone: state + key → state + effects, with no terminal.
import type {Key} from 'ink';
import {describe, expect, it} from 'vitest';
import {defaultConfig} from '../../source/config/schema.js';
import {deskSettings} from '../../source/desk.js';
import {createKeymap} from '../../source/ui/keymap.js';
import {plainKey} from '../../source/ui/overlay.js';
import {reduceKey} from '../../source/ui/reduce-key.js';
import {initialUiState, type KeyContext, type UiState} from '../../source/ui/ui-state.js';
import {all, start, type From} from '../core/session-fixtures.js';

const key = (overrides: Partial<Key> = {}): Key => ({...plainKey, ...overrides});

function context(from: From, overrides: Partial<KeyContext> = {}): KeyContext {
	return {
		session: start(from),
		capabilities: all,
		bindings: createKeymap(),
		settings: deskSettings(defaultConfig()),
		mode: 'local',
		admin: null,
		originRequestId: null,
		...overrides,
	};
}

const press = (state: UiState, input: string, ctx: KeyContext, k: Partial<Key> = {}) =>
	reduceKey(state, input, key(k), ctx);

describe('reduceKey', () => {
	it('a digit in wrap-up codes the call just ended, and opens nothing', () => {
		const ctx = context('wrap-up');
		const {state, effects} = press(initialUiState, '2', ctx);
		expect(state.overlay).toBeNull();
		expect(effects).toEqual([
			{
				type: 'run',
				command: {
					type: 'disposition',
					callId: ctx.session.recentCalls[0]!.callId,
					code: 'callback',
					note: null,
				},
			},
		]);
	});

	it('a digit outside wrap-up and the History tab does nothing', () => {
		expect(press(initialUiState, '2', context('ready')).effects).toEqual([]);
	});

	it('toolbar keys reach the toolbar during wrap-up (r goes ready)', () => {
		expect(press(initialUiState, 'r', context('wrap-up')).effects).toEqual([
			{type: 'run', command: {type: 'ready'}},
		]);
	});

	it('c opens code + note for the call just ended, marked to close with the wrap-up', () => {
		const {state} = press(initialUiState, 'c', context('wrap-up'));
		expect(state.overlay).toMatchObject({kind: 'code', fromWrapUp: true, selected: 0, value: ''});
	});

	it('the code editor takes typed letters as the note and saves with Enter', () => {
		const ctx = context('wrap-up');
		let state = press(initialUiState, 'c', ctx).state;
		for (const character of 'rx') state = press(state, character, ctx).state;
		state = press(state, '', ctx, {rightArrow: true}).state;
		const {state: closed, effects} = press(state, '', ctx, {return: true});
		expect(closed.overlay).toBeNull();
		expect(effects).toEqual([
			{
				type: 'run',
				command: {
					type: 'disposition',
					callId: ctx.session.recentCalls[0]!.callId,
					code: 'callback',
					note: 'rx',
				},
			},
		]);
	});

	it('an open CRM origin request takes a/o/d; without one, d dials', () => {
		const ctx = context('ready', {originRequestId: 'req-1'});
		expect(press(initialUiState, 'd', ctx).effects).toEqual([
			{type: 'answer-origin', id: 'req-1', answer: 'deny'},
		]);
		expect(press(initialUiState, 'a', ctx).effects).toEqual([
			{type: 'answer-origin', id: 'req-1', answer: 'always'},
		]);
		expect(press(initialUiState, 'd', context('ready')).state.overlay).toMatchObject({
			kind: 'dial',
		});
	});

	it('Esc with unsaved settings asks first; y drops them, another key keeps them', () => {
		const settings: UiState = {
			...initialUiState,
			overlay: {
				kind: 'settings',
				fields: [{path: 'language', value: 'en', choices: ['en', 'zh-CN']}],
				selected: 0,
				editing: null,
				message: null,
				dirty: false,
				confirmDiscard: false,
			},
		};
		const ctx = context('ready');
		const edited = press(settings, ' ', ctx).state;
		expect(edited.overlay).toMatchObject({dirty: true, fields: [{value: 'zh-CN'}]});
		const asking = press(edited, '', ctx, {escape: true}).state;
		expect(asking.overlay).toMatchObject({confirmDiscard: true});
		expect(press(asking, 'n', ctx).state.overlay).toMatchObject({
			confirmDiscard: false,
			dirty: true,
		});
		expect(press(asking, 'y', ctx).state.overlay).toBeNull();
	});

	it('the consult menu: c completes, b goes back to the customer, Esc only closes', () => {
		const ctx = context('consult');
		const open = press(initialUiState, 't', ctx).state;
		expect(open.overlay).toMatchObject({kind: 'consult-action'});
		expect(press(open, 'c', ctx).effects).toEqual([
			{type: 'run', command: {type: 'complete-transfer'}},
		]);
		expect(press(open, 'b', ctx).effects).toEqual([
			{type: 'run', command: {type: 'cancel-transfer'}},
		]);
		expect(press(open, '', ctx, {escape: true})).toEqual({
			state: {...open, overlay: null},
			effects: [],
		});
	});

	it('Ctrl+C leaves from anywhere', () => {
		const open = press(initialUiState, 'd', context('ready')).state;
		expect(press(open, 'c', context('ready'), {ctrl: true}).effects).toEqual([
			{type: 'exit', choice: 'stop-logout'},
		]);
	});
});
