// The /cgi-bin routes: fixed script names, no path parameters, so one Map lookup per request.
// @koa/router did the same job with a regular-expression scan of every route and a fresh
// koa-compose of the matched handlers on each request, about a tenth of the local API's own
// time on call.cgi (bench/cgi-throughput.mjs). Matching is what CRM links were served with
// under @koa/router: ASCII case-insensitive (`/CGI-BIN/Call.cgi`), one optional trailing slash,
// the path as sent (no percent-decoding: `/cgi-bin/c%61ll.cgi` is not call.cgi).
import type {Exchange} from './exchange.js';

/** Answers one request whose parameters were read and checked. */
export type Handler = (exchange: Exchange) => void | Promise<void>;

export interface CgiRouter {
	get(path: string, handler: Handler): CgiRouter;
	post(path: string, handler: Handler): CgiRouter;
	/** The handler for a request path and method, or undefined when none matches. */
	find(path: string, method: string | undefined): Handler | undefined;
}

const printableAscii = /^[\x21-\x7E]*$/;

/** The lookup key for a request path, or null when no route can match it. */
export function routeKey(path: string): string | null {
	// A regular expression's case-insensitive match never maps a non-ASCII character to an ASCII
	// one; toLowerCase would (the Kelvin sign becomes k). Route names are plain ASCII.
	if (!printableAscii.test(path)) return null;
	const lower = path.toLowerCase();
	return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

export function createCgiRouter(prefix: string): CgiRouter {
	const routes = new Map<string, {GET?: Handler; POST?: Handler}>();
	const add = (method: 'GET' | 'POST', path: string, handler: Handler) => {
		const key = routeKey(prefix + path);
		if (key === null || key !== prefix + path) throw new Error(`Route ${prefix}${path} must be lower-case ASCII without a trailing slash`);
		const entry = routes.get(key) ?? {};
		if (entry[method]) throw new Error(`${method} ${prefix}${path} is routed twice`);
		entry[method] = handler;
		routes.set(key, entry);
	};
	const router: CgiRouter = {
		get(path, handler) {
			add('GET', path, handler);
			return router;
		},
		post(path, handler) {
			add('POST', path, handler);
			return router;
		},
		find(path, method) {
			const key = routeKey(path);
			if (key === null) return undefined;
			const entry = routes.get(key);
			return method === 'GET' ? entry?.GET : method === 'POST' ? entry?.POST : undefined;
		},
	};
	return router;
}
