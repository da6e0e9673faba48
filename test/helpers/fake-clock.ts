// A manual clock shared by core, simulator and UI tests: time moves only when a test says so.
import type {Clock, TimerHandle} from '../../source/core/types.js';

interface Timer {
	id: number;
	due: number;
	callback: () => void;
}

export interface FakeClock extends Clock {
	/** Moves time forward by `ms`, firing every timer that falls due, in order. */
	advance(ms: number): void;
	/** Fires timers until none is left due within `ms` (same as advance, named for readability). */
	pending(): number;
}

export function createFakeClock(start = Date.UTC(2026, 10, 25, 9, 0, 0)): FakeClock {
	let now = start;
	let nextId = 1;
	let timers: Timer[] = [];

	return {
		now: () => now,
		setTimeout(callback, ms) {
			const timer = {id: nextId++, due: now + Math.max(0, ms), callback};
			timers.push(timer);
			return {id: timer.id};
		},
		clearTimeout(handle: TimerHandle) {
			const id = (handle as {id: number}).id;
			timers = timers.filter((timer) => timer.id !== id);
		},
		advance(ms) {
			const end = now + ms;
			for (;;) {
				const due = timers
					.filter((timer) => timer.due <= end)
					.sort((a, b) => a.due - b.due || a.id - b.id)[0];
				if (!due) break;
				timers = timers.filter((timer) => timer !== due);
				now = due.due;
				due.callback();
			}
			now = end;
		},
		pending: () => timers.length,
	};
}
