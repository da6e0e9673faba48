// Seeded pseudo-random numbers for the simulator: the same seed gives the same call centre,
// so a demo, a test or a bench run can be replayed event for event.

export interface Random {
	/** Uniform in [0, 1). */
	next(): number;
	/** Exponentially distributed with the given mean (time between Poisson arrivals, talk times). */
	exponential(mean: number): number;
	/** Uniform in [min, max). */
	uniform(min: number, max: number): number;
	pick<T>(items: readonly T[]): T;
	/** `count` random decimal digits as a string. */
	digits(count: number): string;
}

/** mulberry32: tiny, fast and good enough for a simulation (not for secrets). */
export function createRandom(seed: number): Random {
	let state = Math.trunc(seed) >>> 0;

	function next(): number {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	}

	return {
		next,
		// 1 - u lies in (0, 1], so the logarithm is always finite.
		exponential: (mean) => -mean * Math.log(1 - next()),
		uniform: (min, max) => min + (max - min) * next(),
		pick(items) {
			if (items.length === 0) throw new Error('pick from an empty list');
			return items[Math.floor(next() * items.length)]!;
		},
		digits(count) {
			let text = '';
			for (let index = 0; index < count; index++) text += String(Math.floor(next() * 10));
			return text;
		},
	};
}
