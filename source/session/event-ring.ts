// A bounded buffer of the latest session events, so a consumer that reconnects can ask for
// what it missed (`--since SEQ`, `?since=`) without the app keeping every event forever.
//
// queue-changed events carry the whole waiting list, so each one supersedes the one before:
// the ring keeps only the newest of them. Without that, 10,000 events of a 1000-caller queue
// held a gigabyte (bench/tui-memory.mjs). A replay therefore skips superseded queue lists (their
// seqs are absent) but always ends with the current one: nothing a consumer needs is lost.
import type {SessionEvent} from '../core/types.js';

export interface EventRing {
	push(event: SessionEvent): void;
	/** Events with seq > `seq`, oldest first; null when the oldest of them was already dropped. */
	since(seq: number): SessionEvent[] | null;
}

/** Stands in for a superseded queue-changed event: keeps its place (and seq) in the ring. */
interface Superseded {
	superseded: true;
	seq: number;
}

type Slot = SessionEvent | Superseded | undefined;

export function createEventRing(capacity: number): EventRing {
	const slots: Slot[] = new Array(capacity);
	let count = 0; // total pushed
	let lastQueueIndex: number | null = null;
	return {
		push(event) {
			if (event.type === 'queue-changed') {
				if (lastQueueIndex !== null && count - lastQueueIndex < capacity) {
					const slot = lastQueueIndex % capacity;
					slots[slot] = {superseded: true, seq: slots[slot]!.seq};
				}
				lastQueueIndex = count;
			}
			slots[count % capacity] = event;
			count += 1;
		},
		since(seq) {
			const stored = Math.min(count, capacity);
			const oldest = slots[(count - stored) % capacity];
			if (stored === 0) return [];
			if (oldest && seq < oldest.seq - 1) return null;
			const result: SessionEvent[] = [];
			for (let index = count - stored; index < count; index += 1) {
				const slot = slots[index % capacity]!;
				if (slot.seq > seq && !('superseded' in slot)) result.push(slot);
			}
			return result;
		},
	};
}
