// The request log's view of a query: names always, values only for the harmless parameters.
import {describe, expect, it} from 'vitest';
import {describeParams} from '../../source/server/middleware/request-log.js';
import {parseParams} from '../../source/server/validate.js';

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

	it('does not take the raw text of a POST whose body added parameters', () => {
		const params = new Map([
			['number', '139'],
			['pass', 'hunter2'],
		]);
		expect(describeParams(params, 'number=139')).toBe('number=139&pass');
	});
});
