import {describe, expect, it} from 'vitest';
import type {SessionEvent} from '../../source/core/types.js';
import {createEventRing} from '../../source/session/event-ring.js';

const event = (seq: number): SessionEvent => ({
	type: 'call-held',
	at: 1000 + seq,
	seq,
	pbxCallId: 'c1',
});
const queue = (seq: number, size: number): SessionEvent => ({
	type: 'queue-changed',
	at: 1000 + seq,
	seq,
	entries: Array.from({length: size}, (_, index) => ({
		id: `q${index}`,
		number: `139${index}`,
		groupId: '1',
		waitingSince: 0,
	})),
});
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
	])(
		'with capacity %d after %d events, since(%d) is null: events were dropped',
		(capacity, count, since) => {
			expect(filled(capacity, count).since(since)).toBeNull();
		},
	);

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

	it('keeps only the newest queue list: each one supersedes the one before', () => {
		const ring = createEventRing(10);
		ring.push(queue(1, 1000));
		ring.push(event(2));
		ring.push(queue(3, 999));
		ring.push(event(4));
		expect(seqs(ring.since(0))).toEqual([2, 3, 4]);
		const replay = ring.since(0)!;
		expect(replay[1]).toMatchObject({type: 'queue-changed'});
		expect((replay[1] as Extract<SessionEvent, {type: 'queue-changed'}>).entries).toHaveLength(999);
		// A consumer that already saw seq 1 still gets the newest list.
		expect(seqs(ring.since(1))).toEqual([2, 3, 4]);
		expect(seqs(ring.since(3))).toEqual([4]);
	});

	it('holds memory for one queue list, not one per event', () => {
		const ring = createEventRing(10_000);
		for (let seq = 1; seq <= 2000; seq += 1) ring.push(queue(seq, 500));
		const replay = ring.since(0)!;
		expect(replay).toHaveLength(1);
		expect(replay[0]!.seq).toBe(2000);
	});
});
