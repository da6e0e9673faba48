// A bounded buffer of the latest session events, so a consumer that reconnects can ask for
// what it missed (`--since SEQ`, `?since=`) without the app keeping every event forever.
import type {SessionEvent} from '../core/types.js';

export interface EventRing {
	push(event: SessionEvent): void;
	/** Events with seq > `seq`, oldest first; null when the oldest of them was already dropped. */
	since(seq: number): SessionEvent[] | null;
}

export function createEventRing(capacity: number): EventRing {
	const slots: Array<SessionEvent | undefined> = new Array(capacity);
	let count = 0; // total pushed
	return {
		push(event) {
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
				const event = slots[index % capacity]!;
				if (event.seq > seq) result.push(event);
			}
			return result;
		},
	};
}
