import {describe, expect, it} from 'vitest';
import {formatLatency, selectCallPopLatencies, type PopLatencyRecord} from '../../source/pops/call-pop-latency.js';

const record = (kind: string, callId: string | null, latencyMs: number, extra: Partial<PopLatencyRecord> = {}): PopLatencyRecord => ({kind, callId, outcome: 'opened', latencyMs, ...extra});

describe('selectCallPopLatencies', () => {
	it('lists the pops of one call oldest first, with delivery for hidden ones', () => {
		const recent = [
			record('answer', 'A', 9, {outcome: 'reopened'}),
			record('hangup', 'A', 0.5, {outcome: 'delivered', deliveredMs: 4.1}),
			record('ring', 'B', 7),
			record('answer', 'A', 0.3),
			record('ring', 'A', 0.4),
			record('home', null, 0.2),
		];
		expect(selectCallPopLatencies(recent, 'A')).toEqual([
			{kind: 'ring', latencyMs: 0.4, deliveredMs: null},
			{kind: 'answer', latencyMs: 0.3, deliveredMs: null},
			{kind: 'hangup', latencyMs: 0.5, deliveredMs: 4.1},
		]);
	});

	it('leaves out pops that were off, and calls with none', () => {
		expect(selectCallPopLatencies([record('ring', 'A', 0, {outcome: 'off'})], 'A')).toEqual([]);
		expect(selectCallPopLatencies([], 'A')).toEqual([]);
	});
});

describe('formatLatency', () => {
	it.each([
		[0.37, '0.4 ms'],
		[0, '0.0 ms'],
		[4.06, '4.1 ms'],
		[9.96, '10 ms'],
		[12.4, '12 ms'],
	])('%s → %s', (ms, text) => {
		expect(formatLatency(ms)).toBe(text);
	});
});
