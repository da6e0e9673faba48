// The ordered event delivery every driver needs: a listener may run a command while it handles
// an event, and that command's events queue behind the ones not yet delivered, so every
// listener sees one ordered stream. A listener that throws is reported (re-thrown in a
// microtask) without stopping the others or leaving the driver half-stepped.
export interface EventStream<T> {
	/** Adds an event to the queue without delivering it (several events of one step). */
	queue(event: T): void;
	/** Delivers everything queued, unless a delivery is already running further up the stack. */
	flush(): void;
	emit(event: T): void;
	/** Each call is its own subscription, also for the same function twice. */
	subscribe(listener: (event: T) => void): () => void;
}

export function createEventStream<T>(): EventStream<T> {
	// Replaced, never changed in place: delivery iterates the list as it was when each event
	// started, without copying it for every event (one copy per subscribe instead).
	let listeners: ReadonlyArray<(event: T) => void> = [];
	const pending: T[] = [];
	let delivering = false;

	function flush(): void {
		if (delivering) return;
		delivering = true;
		try {
			for (let event = pending.shift(); event !== undefined; event = pending.shift()) {
				for (const listener of listeners) {
					try {
						listener(event);
					} catch (error) {
						queueMicrotask(() => {
							throw error;
						});
					}
				}
			}
		} finally {
			delivering = false;
		}
	}

	return {
		queue: (event) => pending.push(event),
		flush,
		emit(event) {
			pending.push(event);
			flush();
		},
		subscribe(listener) {
			const subscription = (event: T) => listener(event);
			listeners = [...listeners, subscription];
			return () => {
				listeners = listeners.filter((other) => other !== subscription);
			};
		},
	};
}
