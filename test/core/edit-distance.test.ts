import {describe, expect, it} from 'vitest';
import {closestWord, editDistance} from '../../source/core/edit-distance.js';

describe('editDistance', () => {
	it.each([
		['port', 'port', 0],
		['prot', 'port', 1], // a swap of neighbours is one edit
		['wrapupSeconds', 'wrapUpSeconds', 1],
		['', 'abc', 3],
		['kitten', 'sitting', 3],
	])('%s → %s: %i', (a, b, distance) => {
		expect(editDistance(a, b)).toBe(distance);
	});
});

describe('closestWord', () => {
	it('finds the nearest candidate within the limit, case-insensitively', () => {
		expect(closestWord('prot', ['pbx', 'port', 'headless'], 1)).toBe('port');
		expect(closestWord('WrapupSeconds', ['wrapUpSeconds', 'language'], 1)).toBe('wrapUpSeconds');
	});

	it('suggests nothing beyond the limit', () => {
		expect(closestWord('zzzz', ['port', 'pbx'], 1)).toBeUndefined();
	});
});
