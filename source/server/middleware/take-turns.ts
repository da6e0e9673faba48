// One request per event-loop turn when many resume at once. Connections that arrive together (a
// browser opens several; a CRM page fires a burst) wait for the same /proc read, and when it
// resolves every one of them would go on in the same microtask drain: fifty requests' worth of
// work with the TUI frozen meanwhile (bench/cgi-latency.mjs, the burst's longest event-loop
// block). Here the first goes on and the others wait for turns of their own, one per turn, so
// timers, keys and redraws run in between. A request that resumes alone (the usual click, or a
// keep-alive request whose connection was checked already) goes on at once.
import type {Middleware} from 'koa';
import type {LocalState} from '../answer.js';

export function takeTurns(): Middleware<LocalState> {
	const waiting: Array<() => void> = [];
	/** A request went on in the current microtask drain. */
	let turnTaken = false;
	let releasing = false;

	function releaseNext() {
		const next = waiting.shift();
		if (!next) {
			releasing = false;
			return;
		}
		next();
		setImmediate(releaseNext);
	}

	return async function takeTurns(_ctx, next) {
		if (turnTaken || waiting.length > 0) {
			// Released one per turn, by the chain the first request's microtask starts.
			await new Promise<void>((resolve) => waiting.push(resolve));
		} else {
			turnTaken = true;
			// Cleared after every continuation already queued in this drain has run.
			queueMicrotask(() => {
				turnTaken = false;
				if (waiting.length > 0 && !releasing) {
					releasing = true;
					setImmediate(releaseNext);
				}
			});
		}
		await next();
	};
}
