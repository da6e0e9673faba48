import {describe, expect, it} from 'vitest';
import {check} from '../../source/core/commands.js';
import {createInitialState} from '../../source/core/session.js';
import type {Command} from '../../source/core/types.js';
import {translateRefusal} from '../../source/ui/i18n/refusals.js';
import {all, none, start, states, t0, type From} from '../core/session-fixtures.js';

const commands: Command[] = [
	{type: 'login', user: '101', password: '101'},
	{type: 'logout'},
	{type: 'ready'},
	{type: 'away', reason: 'lunch'},
	{type: 'away', reason: ''},
	{type: 'answer'},
	{type: 'hangup'},
	{type: 'hold'},
	{type: 'unhold'},
	{type: 'dial', number: '13900139000'},
	{type: 'dial', number: ''},
	{type: 'transfer', target: '8001', mode: 'blind'},
	{type: 'transfer', target: '8001', mode: 'consult'},
	{type: 'transfer', target: '', mode: 'blind'},
	{type: 'complete-transfer'},
	{type: 'cancel-transfer'},
	{type: 'conference'},
	{type: 'dtmf', digits: '12#'},
	{type: 'dtmf', digits: 'x'},
	{type: 'mute'},
	{type: 'unmute'},
	{type: 'disposition', code: 'resolved', note: null},
	{type: 'disposition', code: ' ', note: null},
	{type: 'inject-call'},
];

/** Every refusal check() can give, over every named state, with and without capabilities, connected or not. */
function everyRefusal(): string[] {
	const messages = new Set<string>();
	const bases = [
		...(Object.keys(states) as From[]).map((from) => start(from)),
		createInitialState('sim', t0),
	];
	for (const state of bases) {
		for (const capabilities of [all, none]) {
			for (const command of commands) {
				for (const candidate of [
					state,
					{...state, pbx: {...state.pbx, connected: false, message: 'connection refused'}},
				]) {
					const result = check(candidate, command, capabilities);
					if (!result.ok) messages.add(result.message);
				}
			}
		}
	}
	return [...messages];
}

describe('refusals in the zh-CN TUI', () => {
	const refusals = everyRefusal();

	it('finds the refusals to check (the table below is not empty by accident)', () => {
		expect(refusals.length).toBeGreaterThan(25);
	});

	it.each(refusals)('translates "%s"', (message) => {
		const translated = translateRefusal(message, 'zh-CN');
		expect(translated).not.toBe(message);
		expect(translated).toMatch(/[\u4e00-\u9fff]/);
	});

	it('keeps English as it is, and a message it does not know (the PBX’s own words)', () => {
		expect(translateRefusal('Already ready.', 'en')).toBe('Already ready.');
		expect(translateRefusal('Asterisk said: No such channel', 'zh-CN')).toBe(
			'Asterisk said: No such channel',
		);
	});

	it('keeps the value inside a message with one', () => {
		expect(translateRefusal('Not connected to the PBX: connection refused.', 'zh-CN')).toBe(
			'未连接交换机：connection refused。',
		);
	});
});
