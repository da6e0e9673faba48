import {describe, expect, it} from 'vitest';
import {complete, parseCommandLine} from '../../source/ui/command-line.js';

const context = {
	reasons: ['break', 'lunch'],
	dispositions: ['resolved', 'callback'],
	lastDisposition: null as string | null,
	held: false,
};

describe('the : command line', () => {
	it.each([
		[':dial 13900139000', {type: 'dial', number: '13900139000'}],
		[':dial 139 0013-9000', {type: 'dial', number: '13900139000'}],
		[':xfer 8001 blind', {type: 'transfer', target: '8001', mode: 'blind'}],
		[':xfer 8001 consult', {type: 'transfer', target: '8001', mode: 'consult'}],
		[':xfer 8001', {type: 'transfer', target: '8001', mode: 'blind'}],
		[':away lunch', {type: 'away', reason: 'lunch'}],
		[':ready', {type: 'ready'}],
		[':hold', {type: 'hold'}],
		[':conf', {type: 'conference'}],
		[':dtmf 1234#', {type: 'dtmf', digits: '1234#'}],
		[':mute', {type: 'mute'}],
		[':code callback ring at five', {type: 'disposition', code: 'callback', note: 'ring at five'}],
		[':code resolved', {type: 'disposition', code: 'resolved', note: null}],
	])('parses %s into the same command the keys send', (text, command) => {
		expect(parseCommandLine(text, context)).toEqual({ok: true, command});
	});

	it('toggles :hold into unhold while held', () => {
		expect(parseCommandLine(':hold', {...context, held: true})).toEqual({
			ok: true,
			command: {type: 'unhold'},
		});
	});

	it.each([
		[':dial', 'Give a phone number.'],
		[':dial 12ab', 'not a phone number'],
		[':xfer 8001 sideways', 'blind or consult'],
		[':away nap', 'Unknown reason "nap"'],
		[':dtmf 12x', 'DTMF digits'],
		[':code nope', 'Wrap-up code is one of resolved, callback'],
		[':note hello', 'Pick a wrap-up code first'],
		[':ready now', 'takes no arguments'],
		[':frobnicate', 'Unknown command :frobnicate'],
	])('refuses %s with a readable message', (text, message) => {
		const result = parseCommandLine(text, context);
		expect(result.ok).toBe(false);
		expect(!result.ok && result.message).toContain(message);
	});

	it(':note keeps the code already picked for the last call', () => {
		expect(parseCommandLine(':note call back', {...context, lastDisposition: 'resolved'})).toEqual({
			ok: true,
			command: {type: 'disposition', code: 'resolved', note: 'call back'},
		});
	});

	it('never lets a control character through: the dial number is validated', () => {
		expect(parseCommandLine(':dial 123\u0000', context).ok).toBe(false);
	});

	it('completes verbs and their arguments', () => {
		expect(complete('d', context)).toEqual(['dial ', 'dtmf ']);
		expect(complete('away l', context)).toEqual(['away lunch']);
		expect(complete('xfer 8001 c', context)).toEqual(['xfer 8001 consult']);
		expect(complete('code ', context)).toEqual(['code resolved', 'code callback']);
	});
});
