// The simulator's agenda: every pending happening (next arrival, a caller giving up, a ring
// timeout, a far end answering …) with the simulated time it is due. The driver keeps a
// single clock timer for the earliest one, so the number of real timers never grows.

export interface Happening {
	readonly due: number;
	readonly run: (at: number) => void;
}

export interface Scheduler {
	/** Schedules `run` at epoch ms `due`; happenings due at the same ms run in the order scheduled. */
	at(due: number, run: (at: number) => void): Happening;
	/** Forgets a happening (no-op for null or one that already ran). */
	cancel(happening: Happening | null): void;
	/** Runs, in order, every happening due at or before `now`, including ones scheduled meanwhile. */
	runDue(now: number): void;
	nextDue(): number | null;
	clear(): void;
	readonly size: number;
}

export function createScheduler(): Scheduler {
	// Kept sorted by due time. It holds a few entries per waiting caller and per agent, so a
	// sorted array with binary insertion is simpler than a heap and removes cancelled entries
	// at once (memory stays flat however long the shift).
	const agenda: Happening[] = [];

	return {
		at(due, run) {
			const happening = {due, run};
			let low = 0;
			let high = agenda.length;
			while (low < high) {
				const middle = (low + high) >>> 1;
				if (agenda[middle]!.due <= due) low = middle + 1;
				else high = middle;
			}
			agenda.splice(low, 0, happening);
			return happening;
		},
		cancel(happening) {
			if (!happening) return;
			const index = agenda.indexOf(happening);
			if (index >= 0) agenda.splice(index, 1);
		},
		runDue(now) {
			for (;;) {
				const first = agenda[0];
				if (!first || first.due > now) return;
				agenda.shift();
				first.run(first.due);
			}
		},
		nextDue: () => agenda[0]?.due ?? null,
		clear() {
			agenda.length = 0;
		},
		get size() {
			return agenda.length;
		},
	};
}
