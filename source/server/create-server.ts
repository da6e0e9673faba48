// The local API as one node:http request handler, without listen (listen.ts binds it): the
// guards, strict parameter reading, the /cgi-bin routes, and one log line per request for the
// Events tab and the log file. Nothing here writes to the terminal: the TUI owns it (house rule 12).
//
// Why /cgi-bin is served on node:http and not in Koa: Koa's per-request context, middleware
// chain and response handling alone cost more than the whole budget of the CRM's hot path
// (call.cgi at ≥ 0.8× a bare Koa app's throughput, bench/cgi-throughput.mjs). The /api routes
// for scripts and attached TUIs are a Koa app with @koa/router behind the same guards and log.
import type {IncomingMessage, ServerResponse} from 'node:http';
import pino from 'pino';
import type {ServerDeps} from './action.js';
import {createCgiRouter} from './cgi-router.js';
import {createExchange, lendExchange, type Exchange} from './exchange.js';
import {allowedOrigins, guardExchange} from './guard.js';
import {readParams} from './read-params.js';
import {failure, replyFailure} from './reply.js';
import {peerCheckFor} from './peer-user.js';
import {agentRoutes} from './routes/agent.js';
import {createApiApp, isApiPath, refuseBrowsers} from './routes/api.js';
import {cgiRoutes} from './routes/cgi.js';
import {printable, type Params} from './validate.js';

export type {ServerDeps} from './action.js';
export {allowedOrigins} from './guard.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Parameters whose values may be shown in the Events tab and the log. Others show by name only. */
const shownValues = new Set(['number', 'mode', 'reason', 'user', 'on', 'url', 'format', 'since', 'command']);

// Printable ASCII without escapes or '+': such a query decodes to itself.
const plainQuery = /^[\x21-\x24\x26-\x2A\x2C-\x7E]*$/;

/**
 * The raw query when it already reads exactly as describeParams would write it (the usual CRM
 * link: `number=139001&format=json`), else null. Every request is logged: this spares the
 * common one a string per parameter.
 */
function queryAsDescribed(params: Params, rawQuery: string): string | null {
	if (params.size > 8 || !plainQuery.test(rawQuery)) return null;
	// The raw text must spell out `name=value&…` of the parsed parameters, in order: no bare
	// names, empty pairs or fields from a POST body.
	let at = 0;
	for (const [name, value] of params) {
		if (!shownValues.has(name) || name.length > 24 || value.length > 60) return null;
		if (at > 0 && rawQuery.charCodeAt(at++) !== 0x26 /* & */) return null;
		if (!rawQuery.startsWith(name, at) || rawQuery.charCodeAt(at + name.length) !== 0x3d /* = */) return null;
		at += name.length + 1;
		if (!rawQuery.startsWith(value, at)) return null;
		at += value.length;
	}
	return at === rawQuery.length ? rawQuery : null;
}

/** `number=139&pass&url=https://crm…`: names always, values only for known harmless parameters. */
export function describeParams(params: Params | undefined, rawQuery: string): string {
	const described = params ? queryAsDescribed(params, rawQuery) : null;
	if (described !== null) return described;
	if (!params) {
		// Not decodable: show the raw names only (escaped), never a value.
		const names = rawQuery.split('&').filter(Boolean).map((pair) => printable(pair.split('=')[0]!, 24));
		return names.slice(0, 8).join('&');
	}
	const parts: string[] = [];
	for (const [name, value] of params) {
		parts.push(shownValues.has(name) ? `${printable(name, 24)}=${printable(value, 60)}` : printable(name, 24));
		if (parts.length === 8) break;
	}
	return parts.join('&');
}

const notFound = (path: string) =>
	failure('not-found', `No such page: ${printable(path, 80)}. The local API lives under /cgi-bin/ (scripts: /api/).`);

export function createServer(deps: ServerDeps): RequestHandler {
	const logger = deps.logger ?? pino({level: 'silent'});
	const router = createCgiRouter('/cgi-bin');
	cgiRoutes(router, deps);
	agentRoutes(router, deps);
	const peerCheck = deps.peerCheck ?? peerCheckFor(deps.config);

	/** Guards, then the route; resolves once the answer is written. */
	function serve(exchange: Exchange): void | Promise<void> {
		const apiPath = isApiPath(exchange.path);
		// /api refuses browsers before the general guard could answer a CORS preflight for it.
		if (apiPath && !refuseBrowsers(exchange)) return;
		if (!guardExchange(exchange, allowedOrigins(deps.config), peerCheck)) return;
		if (apiPath) {
			lendExchange(exchange);
			return api(exchange.req, exchange.res);
		}
		const handler = router.find(exchange.path, exchange.req.method);
		if (!handler) return replyFailure(exchange, notFound(exchange.path));
		const read = readParams(exchange);
		if (read === true) return handler(exchange);
		if (read === false) return;
		return read.then((ok) => (ok ? handler(exchange) : undefined));
	}

	function record(exchange: Exchange, started: number) {
		const outcome = exchange.outcome ?? {status: exchange.res.statusCode, code: 'ok', message: ''};
		const level = outcome.status >= 500 ? 'error' : outcome.status >= 400 ? 'warn' : 'info';
		const query = describeParams(exchange.params, exchange.query);
		const path = printable(exchange.path, 60);
		const method = exchange.req.method === 'GET' ? '' : `${printable(exchange.req.method ?? '', 8)} `;
		// The Events tab line; the app's activity sink also writes it to the log file.
		deps.activity.add(level, 'server', `${method}${path}${query ? `?${query}` : ''} → ${outcome.status} ${outcome.message || outcome.code}`);
		// The structured line (timing, code) only when debugging: the activity line already is the record.
		if (logger.isLevelEnabled('debug')) {
			const ms = Math.round((performance.now() - started) * 10) / 10;
			logger.debug({method: method === '' ? 'GET' : method.trim(), path, query, status: outcome.status, code: outcome.code, ms}, 'local API request');
		}
	}

	function fail(exchange: Exchange, error: unknown) {
		// A bug, never a refusal: keep serving and say where to look.
		logger.error({err: error, path: exchange.path}, 'local API request failed');
		if (!exchange.res.headersSent) replyFailure(exchange, failure('internal', 'Internal error in ctidesk: see its log file.'));
		else exchange.res.destroy();
	}

	const api = createApiApp(deps, fail).callback();

	return function handleRequest(req, res) {
		const started = performance.now();
		const exchange = createExchange(req, res);
		if (!exchange) {
			res.writeHead(400, {'Content-Type': 'text/plain; charset=utf-8', Connection: 'close'});
			res.end('Bad request target: ctidesk serves paths like /cgi-bin/status.cgi only.\n');
			deps.activity.add('warn', 'server', `${printable(req.method ?? '', 8)} ${printable(req.url ?? '', 60)} → 400 bad request target`);
			return;
		}
		let served: void | Promise<void> = undefined;
		try {
			served = serve(exchange);
		} catch (error) {
			fail(exchange, error);
		}
		if (served instanceof Promise) {
			served.then(
				() => record(exchange, started),
				(error: unknown) => {
					fail(exchange, error);
					record(exchange, started);
				},
			);
		} else {
			record(exchange, started);
		}
	};
}
