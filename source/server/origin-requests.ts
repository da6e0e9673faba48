// First contact from a CRM (SPEC section 9): a page on an origin not allowed yet asks to change
// the desk (call.cgi, transfer.cgi …). Instead of a bare 403, the agent is asked in the TUI —
// "crm.example.com wants to control this desk (call.cgi): allow always / once / deny" — and the
// page gets the answer. The rules that keep a hostile page from using this:
// - At most one question at a time: any other first-contact request meanwhile is refused at once
//   ("another request is waiting for the agent"), never queued, so 200 requests in a row make
//   one question and 199 refusals, and nothing runs unless the agent says so.
// - An origin the agent denied is not asked about again until ctidesk restarts.
// - Unanswered after 30 s, the page gets a clear refusal.
// - Nobody to ask (headless, or no TUI is showing the question): today's 403 with the fix.
import type {OriginAnswer, OriginRequest} from '../core/desk.js';
import type {Clock} from '../cti/driver.js';

/** How a first-contact request ended. */
export type FirstContact = OriginAnswer | 'timeout' | 'busy' | 'denied-before' | 'nobody';

export interface OriginRequests {
	/** The open question, or null; the TUI shows it (subscribing is what makes the TUI count as present). */
	getSnapshot(): OriginRequest | null;
	subscribe(listener: () => void): () => void;
	/** The agent's answer to the open question `id` (an answer to anything else is ignored). */
	answer(id: string, answer: OriginAnswer): void;
	/** Asks the agent whether `origin` may run `verb`; resolves with how it ended. */
	ask(origin: string, verb: string): Promise<FirstContact>;
}

export interface OriginRequestsOptions {
	clock: Clock;
	/** The agent said "allow always": add the origin to server.allowedOrigins (saved). */
	allowAlways(origin: string): void;
	/** How long a question stays open (default 30 s). */
	timeoutMs?: number;
}

export function createOriginRequests({clock, allowAlways, timeoutMs = 30_000}: OriginRequestsOptions): OriginRequests {
	const listeners = new Set<() => void>();
	const denied = new Set<string>();
	let open: {request: OriginRequest; settle(answer: OriginAnswer | 'timeout'): void} | null = null;
	let count = 0;

	const notify = () => {
		for (const listener of listeners) listener();
	};

	return {
		getSnapshot: () => open?.request ?? null,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		answer(id, answer) {
			if (open?.request.id === id) open.settle(answer);
		},
		ask(origin, verb) {
			if (denied.has(origin)) return Promise.resolve('denied-before');
			if (listeners.size === 0) return Promise.resolve('nobody');
			if (open) return Promise.resolve('busy');
			const askedAt = clock.now();
			count += 1;
			const request: OriginRequest = {id: String(count), origin, verb, askedAt, expiresAt: askedAt + timeoutMs};
			return new Promise<FirstContact>((resolve) => {
				const timer = clock.setTimeout(() => settle('timeout'), timeoutMs);
				function settle(answer: OriginAnswer | 'timeout') {
					if (open?.request !== request) return;
					clock.clearTimeout(timer);
					open = null;
					if (answer === 'deny') denied.add(origin);
					if (answer === 'always') allowAlways(origin);
					notify();
					resolve(answer);
				}
				open = {request, settle};
				notify();
			});
		},
	};
}
