import {describe, expect, it} from 'vitest';
import {
	decideDialOutcome,
	dialRules,
	validateNumber,
} from '../../../source/cti/sim/outbound-outcome.js';

const timing = {answerMs: 3000, ringMs: 15_000};

describe('decideDialOutcome', () => {
	it.each([
		['13800138000', 'answered', 3000],
		['102', 'answered', 3000],
		['+4930123486', 'busy', 1500],
		['8887', 'no-answer', 15_000],
		['0101234588', 'invalid-number', 500],
		['1', 'invalid-number', 500],
		['*#86', 'invalid-number', 500],
		['986', 'busy', 1500],
	])('%s → %s after %i ms', (number, outcome, afterMs) => {
		expect(decideDialOutcome(number, timing)).toEqual({outcome, afterMs});
	});

	it('exports the table the README quotes, ending with a catch-all', () => {
		expect(dialRules.map((rule) => [rule.when, rule.outcome, rule.after])).toEqual([
			['fewer than 3 digits', 'invalid-number', '0.5 s'],
			['ends in 86', 'busy', '1.5 s'],
			['ends in 87', 'no-answer', 'ringSeconds'],
			['ends in 88', 'invalid-number', '0.5 s'],
			['anything else', 'answered', 'dialDelayMs (3 s)'],
		]);
	});
});

describe('validateNumber', () => {
	it.each(['5551234', '+8613800138000', '*86#', '1'])('accepts %j', (number) => {
		expect(validateNumber(number)).toBeNull();
	});

	it.each([
		[''],
		[' 555'],
		['555-1234'],
		['1+1'],
		['++1'],
		['1'.repeat(32)],
		['1\r\nAction: Originate'],
		[undefined],
		[42],
	])('refuses %j with a readable reason', (value) => {
		expect(validateNumber(value)).toMatch(/^.{10,}\.$/);
	});
});
