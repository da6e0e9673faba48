// One HTTP request and its answer, as every layer of the local API sees it: the guards, the
// parameter reader, the routes and the request log. Plain node:http underneath, so the hot
// /cgi-bin path costs nothing beyond what it does (bench/cgi-throughput.mjs); the /api routes
// run in Koa and reach the same exchange through `ctx.req`.
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Params} from './validate.js';
import type {ServerCode} from './reply.js';

export interface Outcome {
	status: number;
	code: ServerCode;
	message: string;
}

export interface Exchange {
	readonly req: IncomingMessage;
	readonly res: ServerResponse;
	/** The path as sent, not percent-decoded (`/cgi-bin/call.cgi`). */
	readonly path: string;
	/** The raw query string without `?` (`number=139001&format=json`). */
	readonly query: string;
	/** The decoded parameters, once read (query, plus an urlencoded body for POST). */
	params: Params | undefined;
	/** What the answer said, for the request log; set by every reply. */
	outcome: Outcome | undefined;
	/** Extra response headers, names and values interleaved, sent with the answer. */
	readonly responseHeaders: string[];
}

const exchanges = new WeakMap<IncomingMessage, Exchange>();

/**
 * Splits the request target into path and query. Only the origin form (`/path?query`) is
 * served: a browser sends nothing else to a server, and an absolute URL would name a host
 * that the Host check never saw.
 */
export function createExchange(req: IncomingMessage, res: ServerResponse): Exchange | null {
	const target = req.url ?? '';
	if (target.charCodeAt(0) !== 0x2f /* / */) return null;
	const mark = target.indexOf('?');
	const exchange: Exchange = {
		req,
		res,
		path: mark === -1 ? target : target.slice(0, mark),
		query: mark === -1 ? '' : target.slice(mark + 1),
		params: undefined,
		outcome: undefined,
		responseHeaders: [],
	};
	return exchange;
}

/** Hands the exchange to code that sees only `req` (the /api routes, which run in Koa). */
export function lendExchange(exchange: Exchange): void {
	exchanges.set(exchange.req, exchange);
}

/** The exchange lent for this request. */
export function exchangeOf(req: IncomingMessage): Exchange {
	const exchange = exchanges.get(req);
	if (!exchange) throw new Error('No exchange for this request: it did not come through the local API handler.');
	return exchange;
}

/** One request header as a single string ('' when absent; repeated lines joined by Node). */
export function header(exchange: Exchange, name: string): string {
	const value = exchange.req.headers[name];
	return value === undefined ? '' : Array.isArray(value) ? value.join(', ') : value;
}
