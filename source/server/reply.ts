// One way to answer every request: JSON `{ok, code, message, …}` for scripts, HTML for a
// browser (a self-closing page, a redirect, or an error page that stays open). The outcome is
// also kept on ctx.state so the request log can say what happened.
import type {Context} from 'koa';
import type {ErrorCode} from '../core/types.js';
import {pageCsp, renderDonePage, renderErrorPage} from './pages.js';

/** Codes of refusals made by the server itself, on top of the session's ErrorCodes. */
export type ServerCode =
	| ErrorCode
	| 'ok'
	| 'forbidden'
	| 'not-found'
	| 'method-not-allowed'
	| 'too-large'
	| 'unsupported-media-type'
	| 'internal';

export interface Outcome {
	status: number;
	code: ServerCode;
	message: string;
}

export interface Failure extends Outcome {
	ok?: false;
}

/** What the request handlers keep on ctx.state. */
export interface ServerState {
	params?: ReadonlyMap<string, string>;
	outcome?: Outcome;
}

export const stateOf = (ctx: Context) => ctx.state as ServerState;

const statusByCode: Record<ServerCode, number> = {
	ok: 200,
	'bad-input': 400,
	'auth-failed': 401,
	forbidden: 403,
	'not-found': 404,
	'method-not-allowed': 405,
	'not-allowed': 409,
	busy: 409,
	'too-large': 413,
	'unsupported-media-type': 415,
	internal: 500,
	'not-supported': 501,
	'pbx-refused': 502,
	'pbx-unavailable': 503,
};

export function failure(code: ServerCode, message: string): Failure {
	return {status: statusByCode[code], code, message};
}

const formatJson = /(?:^|&)format=json(?:&|$)/;
const formatHtml = /(?:^|&)format=html(?:&|$)/;

/** JSON when asked by `format=json` or by `Accept: application/json`; HTML otherwise (a browser). */
export function wantsJson(ctx: Context): boolean {
	const format = stateOf(ctx).params?.get('format');
	if (format === 'json') return true;
	if (format === 'html') return false;
	// Before the query was parsed (a guard refused it), look at the raw text: good enough to pick a format.
	if (format === undefined && !stateOf(ctx).params) {
		if (formatJson.test(ctx.querystring)) return true;
		if (formatHtml.test(ctx.querystring)) return false;
	}
	const accept = ctx.get('Accept');
	return accept.includes('json') && ctx.accepts('html', 'json') === 'json';
}

/**
 * A JSON answer, serialised here with its type set directly: the same bytes and headers as
 * `ctx.body = value`, without Koa's MIME lookup and header normalisation on every request.
 */
export function sendJson(ctx: Context, value: unknown) {
	ctx.res.setHeader('Content-Type', 'application/json; charset=utf-8');
	ctx.body = JSON.stringify(value);
}

function sendHtml(ctx: Context, html: string) {
	ctx.set('Content-Security-Policy', pageCsp);
	ctx.type = 'text/html; charset=utf-8';
	ctx.body = html;
}

export function replyFailure(ctx: Context, outcome: Failure, json = wantsJson(ctx)) {
	stateOf(ctx).outcome = outcome;
	ctx.status = outcome.status;
	if (outcome.status === 405) ctx.set('Allow', 'GET, POST, OPTIONS');
	if (json) {
		sendJson(ctx, {ok: false, code: outcome.code, message: outcome.message});
	} else {
		sendHtml(ctx, renderErrorPage(outcome.status, outcome.code, outcome.message));
	}
}

export interface Success {
	message: string;
	/** Where to send a browser; null shows the self-closing page. */
	url: string | null;
	/** Extra JSON fields. */
	data?: Record<string, unknown>;
}

export function replySuccess(ctx: Context, success: Success, json = wantsJson(ctx)) {
	if (json) {
		stateOf(ctx).outcome = {status: 200, code: 'ok', message: success.message};
		ctx.status = 200;
		sendJson(ctx, {ok: true, code: 'ok', message: success.message, ...(success.url ? {url: success.url} : {}), ...success.data});
		return;
	}
	if (success.url) {
		stateOf(ctx).outcome = {status: 302, code: 'ok', message: success.message};
		// The URL was parsed and re-serialised by the WHATWG parser and its origin is allowed.
		ctx.status = 302;
		ctx.set('Location', success.url);
		ctx.type = 'text/plain; charset=utf-8';
		ctx.body = `${success.message}: redirecting to ${success.url}`;
		return;
	}
	stateOf(ctx).outcome = {status: 200, code: 'ok', message: success.message};
	ctx.status = 200;
	sendHtml(ctx, renderDonePage(success.message));
}

/** An HTML or JSON page that is not an action result (status.cgi). */
export function replyPage(ctx: Context, message: string, html: () => string, json: () => unknown) {
	stateOf(ctx).outcome = {status: 200, code: 'ok', message};
	ctx.status = 200;
	if (wantsJson(ctx)) sendJson(ctx, json());
	else sendHtml(ctx, html());
}
