import {describe, expect, it} from 'vitest';
import {
	computeReconnectDelay,
	createReconnectBackoff,
	defaultReconnectPolicy,
} from '../../../../source/cti/asterisk/ami/reconnect.js';

const policy = {
	...defaultReconnectPolicy,
	initialDelayMs: 250,
	maxDelayMs: 15_000,
	factor: 2,
	jitter: 0,
	authFailureDelayMs: 10_000,
	maxAuthDelayMs: 60_000,
};

describe('computeReconnectDelay', () => {
	it.each([
		[1, 250],
		[2, 500],
		[3, 1000],
		[6, 8000],
		[7, 15_000],
		[50, 15_000],
	])('network drop, attempt %i waits %i ms (doubling, capped)', (attempt, delay) => {
		expect(computeReconnectDelay(policy, attempt, 'network')).toBe(delay);
	});

	it.each([
		[1, 10_000],
		[2, 20_000],
		[3, 40_000],
		[9, 60_000],
	])('bad login, attempt %i waits %i ms (slower, its own cap)', (attempt, delay) => {
		expect(computeReconnectDelay(policy, attempt, 'auth')).toBe(delay);
	});

	it('keeps auth retries at the auth delay when it exceeds both caps', () => {
		expect(computeReconnectDelay({...policy, maxDelayMs: 5000, maxAuthDelayMs: 0}, 3, 'auth')).toBe(
			10_000,
		);
	});

	it('by default tries again at most 1 s apart while the PBX is unreachable, however long', () => {
		for (const attempt of [1, 2, 5, 20, 1000]) {
			expect(
				computeReconnectDelay(defaultReconnectPolicy, attempt, 'network', () => 0),
			).toBeLessThanOrEqual(1000);
		}
	});

	it('jitter only shortens the delay, by at most its fraction', () => {
		const jittery = {...policy, jitter: 0.2};
		expect(computeReconnectDelay(jittery, 7, 'network', () => 0)).toBe(15_000);
		expect(computeReconnectDelay(jittery, 7, 'network', () => 0.999_999)).toBe(12_000);
	});
});

describe('createReconnectBackoff', () => {
	it('counts attempts and starts over after reset', () => {
		const backoff = createReconnectBackoff({jitter: 0, initialDelayMs: 100});
		expect([backoff.next('network'), backoff.next('network'), backoff.next('network')]).toEqual([
			100, 200, 400,
		]);
		expect(backoff.attempts).toBe(3);
		backoff.reset();
		expect(backoff.next('network')).toBe(100);
	});
});
