// The /cgi-bin routes: fixed script names, no path parameters, so one Map lookup per request.
// @koa/router did the same job with a regular-expression scan of every route and a fresh
// koa-compose of the matched handlers on each request, about a tenth of the local API's own
// time on call.cgi (bench/cgi-throughput.mjs). Matching is what CRM links were served with
// under @koa/router: ASCII case-insensitive (`/CGI-BIN/Call.cgi`), one optional trailing slash,
// the path as sent (no percent-decoding: `/cgi-bin/c%61ll.cgi` is not call.cgi).
import type {Middleware} from 'koa';

export interface CgiRouter {
	get(path: string, handler: Middleware): CgiRouter;
	post(path: string, handler: Middleware): CgiRouter;
	/** The routes as one middleware; a path or method with no route falls through to `next`. */
	routes(): Middleware;
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
	const routes = new Map<string, {GET?: Middleware; POST?: Middleware}>();
	const add = (method: 'GET' | 'POST', path: string, handler: Middleware) => {
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
		routes() {
			return function cgiRoutes(ctx, next) {
				const key = routeKey(ctx.path);
				const method = ctx.method === 'GET' ? 'GET' : ctx.method === 'POST' ? 'POST' : null;
				const handler = key === null || method === null ? undefined : routes.get(key)?.[method];
				return handler ? handler(ctx, next) : next();
			};
		},
	};
	return router;
}
