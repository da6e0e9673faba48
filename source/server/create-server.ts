// The whole local API as one Koa app (house rule 16), without listen (listen.ts binds it). Read
// the chain top to bottom: each middleware is named for its one job and may answer by itself.
//
//   requestLog → errorBoundary → securityHeaders → guardConnection → takeTurns → guardSite (→ firstContact)
//   → corsForAllowed
//   → answerUnrouted → /cgi-bin router (strictParams → route) → /api router, each with allowedMethods()
//
// Nothing here writes to the terminal: the TUI owns it (house rule 12).
import Koa from 'koa';
import pino from 'pino';
import type {ServerDeps} from './action.js';
import type {LocalState} from './answer.js';
import {allowedOrigins} from './guard.js';
import {answerUnrouted} from './middleware/answer-unrouted.js';
import {errorBoundary} from './middleware/error-boundary.js';
import {guardConnection} from './middleware/guard-connection.js';
import {askOnFirstContact} from './middleware/first-contact.js';
import {corsForAllowed, guardSite} from './middleware/guard-site.js';
import {requestLog} from './middleware/request-log.js';
import {securityHeaders} from './middleware/security-headers.js';
import {takeTurns} from './middleware/take-turns.js';
import {peerCheckFor} from './peer-user.js';
import {apiRouter} from './routes/api.js';
import {cgiRouter} from './routes/cgi.js';

export type {ServerDeps} from './action.js';
export {allowedOrigins} from './guard.js';

export type LocalApiApp = Koa<LocalState>;

export function createServer(deps: ServerDeps): LocalApiApp {
	const logger = deps.logger ?? pino({level: 'silent'});
	const allowed = () => allowedOrigins(deps.config());
	const cgi = cgiRouter(deps);
	const api = apiRouter(deps);
	const app = new Koa<LocalState>();
	// Koa's default error handler prints to stderr; errorBoundary answers and logs instead.
	app.silent = true;
	app.on('error', (error: unknown) => logger.error({err: error}, 'local API error'));
	app
		.use(requestLog(deps.activity, logger))
		.use(errorBoundary(logger))
		.use(securityHeaders)
		.use(guardConnection(deps.peerCheck ?? peerCheckFor(deps.config())))
		.use(takeTurns())
		.use(guardSite(allowed, deps.originRequests && askOnFirstContact(deps.originRequests)))
		.use(corsForAllowed(allowed))
		.use(answerUnrouted)
		.use(cgi.routes())
		.use(cgi.allowedMethods())
		.use(api.routes())
		.use(api.allowedMethods());
	return app;
}
