import {describe, expect, it} from 'vitest';
import type {SessionEvent} from '../../source/core/types.js';
import {createEventRing} from '../../source/session/event-ring.js';

const event = (seq: number): SessionEvent => ({type: 'queue-changed', at: 1000 + seq, seq, entries: []});
const seqs = (events: SessionEvent[] | null) => events?.map((item) => item.seq) ?? null;

function filled(capacity: number, count: number) {
	const ring = createEventRing(capacity);
	for (let seq = 1; seq <= count; seq += 1) ring.push(event(seq));
	return ring;
}

describe('event ring', () => {
	it('replays nothing before the first event', () => {
		expect(createEventRing(4).since(0)).toEqual([]);
	});

	it('replays every event after the given seq, oldest first', () => {
		const ring = filled(10, 5);
		expect(seqs(ring.since(0))).toEqual([1, 2, 3, 4, 5]);
		expect(seqs(ring.since(3))).toEqual([4, 5]);
		expect(ring.since(5)).toEqual([]);
	});

	it('gives back the very event objects pushed', () => {
		const ring = createEventRing(3);
		const pushed = event(1);
		ring.push(pushed);
		expect(ring.since(0)?.[0]).toBe(pushed);
	});

	it('replays nothing for a consumer ahead of the ring (a seq from an earlier run)', () => {
		expect(filled(10, 5).since(42)).toEqual([]);
	});

	it.each([
		[4, 10, 6, [7, 8, 9, 10]],
		[4, 10, 8, [9, 10]],
		[3, 3, 0, [1, 2, 3]],
		[1, 7, 6, [7]],
	])('keeps the last %d of %d events: since(%d) replays %j', (capacity, count, since, expected) => {
		expect(seqs(filled(capacity, count).since(since))).toEqual(expected);
	});

	it.each([
		[4, 10, 5],
		[4, 10, 0],
		[1, 7, 5],
	])('with capacity %d after %d events, since(%d) is null: events were dropped', (capacity, count, since) => {
		expect(filled(capacity, count).since(since)).toBeNull();
	});

	it('never replays an event twice across consecutive reads', () => {
		const ring = createEventRing(8);
		const seen: number[] = [];
		let last = 0;
		for (let seq = 1; seq <= 50; seq += 1) {
			ring.push(event(seq));
			if (seq % 3 === 0) {
				const replay = ring.since(last)!;
				seen.push(...seqs(replay)!);
				last = replay.at(-1)?.seq ?? last;
			}
		}
		seen.push(...seqs(ring.since(last))!);
		expect(seen).toEqual(Array.from({length: 50}, (_, index) => index + 1));
	});
});
