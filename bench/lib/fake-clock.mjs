// A manual clock (same logic as test/helpers/fake-clock.ts, which is not built into dist/):
// time moves only when the bench says so, so hours of a shift run in seconds.

export function createFakeClock(start = Date.UTC(2026, 10, 25, 9, 0, 0)) {
	let now = start;
	let nextId = 1;
	let timers = [];

	return {
		now: () => now,
		setTimeout(callback, ms) {
			const timer = {id: nextId++, due: now + Math.max(0, ms), callback};
			timers.push(timer);
			return {id: timer.id};
		},
		clearTimeout(handle) {
			const id = handle?.id;
			timers = timers.filter((timer) => timer.id !== id);
		},
		/** Moves time forward by `ms`, firing every timer that falls due, in order. */
		advance(ms) {
			const end = now + ms;
			for (;;) {
				let due = null;
				for (const timer of timers)
					if (
						timer.due <= end &&
						(!due || timer.due < due.due || (timer.due === due.due && timer.id < due.id))
					)
						due = timer;
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
