// What the simulated far end does when the agent dials a number or consults a transfer
// target. The outcome depends only on the number, so a demo can show every case on purpose:
//
// | number                 | outcome         | after                        |
// |------------------------|-----------------|------------------------------|
// | fewer than 3 digits    | invalid number  | 0.5 s                        |
// | ends in 86             | busy            | 1.5 s                        |
// | ends in 87             | no answer       | ringSeconds (ring timeout)   |
// | ends in 88             | invalid number  | 0.5 s                        |
// | anything else          | answered        | dialDelayMs (default 3 s)    |
//
// The first matching row wins. `dialRules` below is the same table as data (README quotes it).

export type DialOutcome = 'answered' | 'busy' | 'no-answer' | 'invalid-number';

export interface DialRule {
	/** Human-readable condition, as the README shows it. */
	when: string;
	outcome: DialOutcome;
	/** Human-readable delay before the outcome. */
	after: string;
	matches(number: string): boolean;
}

export interface DialTiming {
	/** How long the far end rings before answering. */
	answerMs: number;
	/** How long it rings before the PBX gives up (no answer). */
	ringMs: number;
}

export const defaultDialDelayMs = 3000;
const busyAfterMs = 1500;
const invalidAfterMs = 500;

const countDigits = (number: string): number => number.replace(/\D/g, '').length;

export const dialRules: readonly DialRule[] = [
	{
		when: 'fewer than 3 digits',
		outcome: 'invalid-number',
		after: '0.5 s',
		matches: (n) => countDigits(n) < 3,
	},
	{when: 'ends in 86', outcome: 'busy', after: '1.5 s', matches: (n) => n.endsWith('86')},
	{
		when: 'ends in 87',
		outcome: 'no-answer',
		after: 'ringSeconds',
		matches: (n) => n.endsWith('87'),
	},
	{when: 'ends in 88', outcome: 'invalid-number', after: '0.5 s', matches: (n) => n.endsWith('88')},
	{when: 'anything else', outcome: 'answered', after: 'dialDelayMs (3 s)', matches: () => true},
];

export function decideDialOutcome(
	number: string,
	timing: DialTiming,
): {outcome: DialOutcome; afterMs: number} {
	const rule = dialRules.find((candidate) => candidate.matches(number))!;
	const afterMs = {
		answered: timing.answerMs,
		busy: busyAfterMs,
		'no-answer': timing.ringMs,
		'invalid-number': invalidAfterMs,
	}[rule.outcome];
	return {outcome: rule.outcome, afterMs};
}

const dialable = /^\+?[0-9*#]{1,31}$/;

/** A readable reason why `value` cannot be dialled, or null when it can. */
export function validateNumber(value: unknown): string | null {
	if (typeof value !== 'string' || value === '') return 'Enter a number to call.';
	if (!dialable.test(value)) {
		return `${JSON.stringify(value.slice(0, 40))} is not a phone number: use digits, * and #, optionally a leading +, at most 32 characters.`;
	}
	return null;
}
