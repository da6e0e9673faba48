import {describe, expect, it} from 'vitest';
import {createRandom} from '../../../source/cti/sim/random.js';

describe('createRandom', () => {
	it('repeats the same sequence for the same seed and differs for another', () => {
		const draw = (seed: number) => Array.from({length: 5}, createRandom(seed).next);
		expect(draw(1)).toEqual(draw(1));
		expect(draw(1)).not.toEqual(draw(2));
	});

	it('stays in [0, 1) with a flat histogram', () => {
		const random = createRandom(3);
		const buckets = Array.from({length: 10}, () => 0);
		for (let index = 0; index < 100_000; index++) {
			const value = random.next();
			expect(value >= 0 && value < 1).toBe(true);
			buckets[Math.floor(value * 10)]!++;
		}
		for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
	});

	it('draws exponential values with the requested mean, never negative or infinite', () => {
		const random = createRandom(5);
		const values = Array.from({length: 50_000}, () => random.exponential(30));
		expect(values.every((value) => value >= 0 && Number.isFinite(value))).toBe(true);
		const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
		expect(mean).toBeGreaterThan(29);
		expect(mean).toBeLessThan(31);
	});

	it('picks, draws uniforms in range and makes digit strings', () => {
		const random = createRandom(9);
		const picked = new Set(Array.from({length: 100}, () => random.pick(['a', 'b', 'c'])));
		expect(picked).toEqual(new Set(['a', 'b', 'c']));
		for (let index = 0; index < 1000; index++) {
			const value = random.uniform(0.5, 1.5);
			expect(value >= 0.5 && value < 1.5).toBe(true);
		}
		expect(random.digits(9)).toMatch(/^\d{9}$/);
		expect(() => random.pick([])).toThrow();
	});
});
