// Before the routers, acting after them: a request no route answered gets a readable 404 (the
// /cgi-bin hint, or the /api route list), and one whose path has a route for another method
// gets the 405 that the routers' allowedMethods() decided, with a body that says so.
import type {Middleware} from 'koa';
import {answerFailure, failure, type LocalState} from '../answer.js';
import {apiPrefix, isApiPath} from '../routes/api.js';
import {printable} from '../validate.js';

const apiRoutes = ['/api/instance', '/api/command', '/api/shutdown', '/api/open-link', '/api/origin-answer'];

export const answerUnrouted: Middleware<LocalState> = async function answerUnrouted(ctx, next) {
	await next();
	if (ctx.state.outcome || ctx.body !== undefined) return;
	const api = isApiPath(ctx.path);
	if (ctx.status === 405) {
		const allowed = ctx.response.get('Allow');
		return answerFailure(ctx, failure('method-not-allowed', `Use ${allowed.replace(/HEAD, /, '')} for ${printable(ctx.path, 60)}.`), api || undefined);
	}
	if (api) {
		return answerFailure(ctx, failure('not-found', `No such API route: ${printable(ctx.path, 60)}. Routes: ${apiRoutes.join(', ')}.`), true);
	}
	answerFailure(ctx, failure('not-found', `No such page: ${printable(ctx.path, 80)}. The local API lives under /cgi-bin/ (scripts: ${apiPrefix}/).`));
};
