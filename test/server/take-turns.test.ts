import type {Next} from 'koa';
import {describe, expect, it} from 'vitest';
import type {LocalContext} from '../../source/server/answer.js';
import {takeTurns} from '../../source/server/middleware/take-turns.js';

const ctx = {} as LocalContext;

/** Counts event-loop turns (check phases) while `body` runs. */
async function countingTurns(body: (turn: () => number) => Promise<void>) {
	let turn = 0;
	let running = true;
	const tick = () => {
		turn += 1;
		if (running) setImmediate(tick);
	};
	setImmediate(tick);
	try {
		await body(() => turn);
	} finally {
		running = false;
	}
}

describe('takeTurns', () => {
	it('lets requests that resume in the same microtask drain go on one per event-loop turn', async () => {
		const middleware = takeTurns();
		await countingTurns(async (turn) => {
			const seen: number[] = [];
			const record: Next = async () => {
				seen.push(turn());
			};
			// Fifty continuations of one resolved promise, as after a shared /proc read.
			const read = Promise.resolve();
			await Promise.all(Array.from({length: 50}, () => read.then(() => middleware(ctx, record))));
			expect(seen).toHaveLength(50);
			expect(new Set(seen).size).toBe(50);
		});
	});

	it('lets a request that resumes alone go on at once', async () => {
		const middleware = takeTurns();
		await countingTurns(async (turn) => {
			for (let index = 0; index < 5; index += 1) {
				await new Promise((resolve) => setImmediate(resolve));
				const before = turn();
				let at = -1;
				await middleware(ctx, async () => {
					at = turn();
				});
				expect(at).toBe(before);
			}
		});
	});
});
