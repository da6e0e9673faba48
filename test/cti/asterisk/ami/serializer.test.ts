import {describe, expect, it} from 'vitest';
import {
	AmiSerializeError,
	serializeAction,
} from '../../../../source/cti/asterisk/ami/serializer.js';

describe('serializeAction', () => {
	it('writes Key: value lines with CRLF and the closing blank line, as the captures do', () => {
		expect(
			serializeAction({
				Action: 'Login',
				ActionID: '01-01',
				Username: 'ctidesk',
				Secret: 'ctidesk',
				Events: 'on',
			}),
		).toBe(
			'Action: Login\r\nActionID: 01-01\r\nUsername: ctidesk\r\nSecret: ctidesk\r\nEvents: on\r\n\r\n',
		);
	});

	it('repeats the key for arrays, writes numbers and booleans, skips undefined', () => {
		expect(
			serializeAction({
				Action: 'Originate',
				Variable: ['A=1', 'B=2'],
				Timeout: 30000,
				Async: true,
				Account: undefined,
			}),
		).toBe(
			'Action: Originate\r\nVariable: A=1\r\nVariable: B=2\r\nTimeout: 30000\r\nAsync: true\r\n\r\n',
		);
	});

	it('keeps an empty value as "Key: "', () => {
		expect(serializeAction({Action: 'QueuePause', Reason: ''})).toBe(
			'Action: QueuePause\r\nReason: \r\n\r\n',
		);
	});

	it.each([
		[
			'a value with CRLF that smuggles a second action',
			{Action: 'Originate', Exten: '1000\r\nAction: Originate'},
			'Exten',
			'a CR',
		],
		['a bare LF', {Action: 'Originate', Exten: '1000\nAction: Hangup'}, 'Exten', 'a LF'],
		['a NUL', {Action: 'Setvar', Value: 'abc\0def'}, 'Value', 'a NUL'],
		['a CR in an array item', {Action: 'Originate', Variable: ['A=1', 'B=\r']}, 'Variable', 'a CR'],
		['a key with LF', {Action: 'Ping', 'X\nAction': 'Logoff'}, 'X\nAction', 'a LF'],
		['a key with a colon', {Action: 'Ping', 'X: Y': '1'}, 'X: Y', 'a colon or blank'],
		['an empty key', {Action: 'Ping', '': '1'}, '', 'a colon or blank'],
		['an action name with CRLF', {Action: 'Ping\r\nAction: Logoff'}, 'Action', 'a CR'],
		['NaN', {Action: 'Originate', Timeout: Number.NaN}, 'Timeout', 'finite'],
	])('refuses %s and names the field', (_title, action, field, what) => {
		let thrown: unknown;
		try {
			serializeAction(action);
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(AmiSerializeError);
		expect((thrown as AmiSerializeError).field).toBe(field);
		expect((thrown as AmiSerializeError).message).toContain(what);
	});

	it('refuses an action without a name', () => {
		expect(() => serializeAction({Action: ''})).toThrow(AmiSerializeError);
	});
});
