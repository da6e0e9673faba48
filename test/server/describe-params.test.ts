// The request log's view of a query: the fast path (the raw query as it came) must read exactly
// as the general one (parameter by parameter) whenever it is taken.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {describeParams} from '../../source/server/create-server.js';
import {parseParams} from '../../source/server/validate.js';

// A raw query that never passes the fast path's test: the general path's answer.
const generally = (params: ReadonlyMap<string, string>) => describeParams(params, '\u0000');

describe('describeParams', () => {
	it('shows a plain CRM query as it came', () => {
		const raw = 'number=139001&format=json';
		const parsed = parseParams(raw);
		expect(parsed.ok && describeParams(parsed.value, raw)).toBe(raw);
	});

	it('hides the values of parameters it does not know, and clips long ones', () => {
		const raw = `number=139&pass=Secret1&sid=ABC&url=https://crm.example.com/${'x'.repeat(80)}`;
		const parsed = parseParams(raw);
		if (!parsed.ok) throw new Error(parsed.message);
		const text = describeParams(parsed.value, raw);
		expect(text).toMatch(/^number=139&pass&sid&url=https:\/\/crm\.example\.com\/x+…$/);
		expect(text).not.toMatch(/Secret1|ABC/);
	});

	it('reads the same on the fast path as parameter by parameter, for any query', () => {
		const piece = fc.constantFrom('number', 'format', 'url', 'pass', 'sid', 'mode', 'x', '=', '&', '%41', '+', '139', 'json', '~', 'a'.repeat(30), 'b'.repeat(70), '');
		fc.assert(
			fc.property(fc.array(piece, {maxLength: 14}), (pieces) => {
				const raw = pieces.join('');
				const parsed = parseParams(raw);
				if (!parsed.ok) return;
				expect(describeParams(parsed.value, raw)).toBe(generally(parsed.value));
			}),
			{numRuns: 5000},
		);
	});

	it('does not take the raw text of a POST whose body added parameters', () => {
		const params = new Map([
			['number', '139'],
			['pass', 'hunter2'],
		]);
		expect(describeParams(params, 'number=139')).toBe('number=139&pass');
	});
});
