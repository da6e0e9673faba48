// The local API as a Koa app, without listen (listen.ts binds it): guards, strict parameter
// reading, the /cgi-bin routes, and one log line per request for the Events tab and the log
// file. Nothing here writes to the terminal: the TUI owns it (house rule 12).
import Koa, {type Middleware} from 'koa';
import pino from 'pino';
import type {Logger} from '../logger.js';
import type {ServerDeps} from './action.js';
import {createCgiRouter} from './cgi-router.js';
import {allowedOrigins, guardRequest} from './guard.js';
import {readParams} from './read-params.js';
import {failure, replyFailure, stateOf} from './reply.js';
import {peerCheckFor} from './peer-user.js';
import {agentRoutes} from './routes/agent.js';
import {apiRoutes, guardApi} from './routes/api.js';
import {cgiRoutes} from './routes/cgi.js';
import {printable} from './validate.js';

export type {ServerDeps} from './action.js';
export {allowedOrigins} from './guard.js';

/** Parameters whose values may be shown in the Events tab and the log. Others show by name only. */
const shownValues = new Set(['number', 'mode', 'reason', 'user', 'on', 'url', 'format', 'since', 'command']);

/** `number=139&pass&url=https://crm…`: names always, values only for known harmless parameters. */
export function describeParams(params: ReadonlyMap<string, string> | undefined, rawQuery: string): string {
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

function recordRequest(deps: ServerDeps, logger: Logger): Middleware {
	return async function recordRequest(ctx, next) {
		const started = performance.now();
		// Straight to Node: Koa's ctx.set allocates two arrays per header (bench/cgi-throughput.mjs).
		for (const [name, value] of securityHeaders) ctx.res.setHeader(name, value);
		try {
			await next();
		} catch (error) {
			// A bug, never a refusal: keep serving and say where to look.
			logger.error({err: error, path: ctx.path}, 'local API request failed');
			replyFailure(ctx, failure('internal', 'Internal error in ctidesk: see its log file.'));
		}
		const state = stateOf(ctx);
		if (!state.outcome && ctx.status === 404 && !ctx.body) {
			replyFailure(ctx, failure('not-found', `No such page: ${printable(ctx.path, 80)}. The local API lives under /cgi-bin/ (scripts: /api/).`));
		}
		const outcome = state.outcome ?? {status: ctx.status, code: 'ok', message: ''};
		const level = outcome.status >= 500 ? 'error' : outcome.status >= 400 ? 'warn' : 'info';
		const query = describeParams(state.params, ctx.querystring);
		const path = printable(ctx.path, 60);
		const method = ctx.method === 'GET' ? '' : `${printable(ctx.method, 8)} `;
		// The Events tab line; the app's activity sink also writes it to the log file.
		deps.activity.add(level, 'server', `${method}${path}${query ? `?${query}` : ''} → ${outcome.status} ${outcome.message || outcome.code}`);
		// The structured line (timing, code) only when debugging: the activity line already is the record.
		if (logger.isLevelEnabled('debug')) {
			const ms = Math.round((performance.now() - started) * 10) / 10;
			logger.debug({method: ctx.method === 'GET' ? 'GET' : method.trim(), path, query, status: outcome.status, code: outcome.code, ms}, 'local API request');
		}
	};
}

/** On every answer, refusals included. */
const securityHeaders: ReadonlyArray<readonly [string, string]> = [
	['X-Content-Type-Options', 'nosniff'],
	['Cache-Control', 'no-store'],
	['Referrer-Policy', 'no-referrer'],
	['X-Frame-Options', 'DENY'],
	['Cross-Origin-Resource-Policy', 'same-origin'],
];

export function createServer(deps: ServerDeps): Koa {
	const logger = deps.logger ?? pino({level: 'silent'});
	const app = new Koa();
	app.silent = true;
	app.on('error', (error: unknown) => logger.error({err: error}, 'local API error'));
	const allowed = () => allowedOrigins(deps.config);
	const router = createCgiRouter('/cgi-bin');
	cgiRoutes(router, deps);
	agentRoutes(router, deps);
	app
		// Also sets the security headers: one middleware less on every request's path.
		.use(recordRequest(deps, logger))
		// /api refuses browsers before the general guard could answer a CORS preflight for it.
		.use(guardApi())
		.use(guardRequest(allowed, deps.peerCheck ?? peerCheckFor(deps.config)))
		// JSON bodies: before readParams, which reads only urlencoded forms.
		.use(apiRoutes(deps))
		.use(readParams())
		.use(router.routes());
	return app;
}
