// One way to answer every request, on Koa's context: JSON `{ok, code, message, …}` for scripts,
// HTML for a browser (a self-closing page, a redirect, or an error page that stays open). Each
// answer also records its outcome in `ctx.state`, so the request log can say what happened.
import type {ParameterizedContext} from 'koa';
import type {ErrorCode} from '../core/types.js';
import {pageCsp, renderDonePage, renderErrorPage} from './pages.js';
import type {Params} from './validate.js';

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

/** What an answer said, for the request log. */
export interface Outcome {
	status: number;
	code: ServerCode;
	message: string;
}

/** What the middleware of the local API keep for one request. */
export interface LocalState {
	/** The decoded parameters, once read (query, plus an urlencoded body for POST). */
	params?: Params;
	/** What the answer said; set by every answer below. */
	outcome?: Outcome;
	/** An origin the agent allowed for this request only (first contact): also a valid `url=`. */
	grantedOrigin?: string;
}

export type LocalContext = ParameterizedContext<LocalState>;

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

export function failure(code: ServerCode, message: string): Outcome {
	return {status: statusByCode[code], code, message};
}

const formatJson = /(?:^|&)format=json(?:&|$)/;
const formatHtml = /(?:^|&)format=html(?:&|$)/;

/** JSON when asked by `format=json` or by `Accept: application/json`; HTML otherwise (a browser). */
export function wantsJson(ctx: LocalContext): boolean {
	const params = ctx.state.params;
	const format = params?.get('format');
	if (format === 'json') return true;
	if (format === 'html') return false;
	// Before the query was read (a guard refused it), look at the raw text: good enough to pick a format.
	if (!params) {
		if (formatJson.test(ctx.querystring)) return true;
		if (formatHtml.test(ctx.querystring)) return false;
	}
	return ctx.get('accept').includes('json') && ctx.accepts('html', 'json') === 'json';
}

function send(ctx: LocalContext, outcome: Outcome, type: string, body: string) {
	ctx.state.outcome = outcome;
	ctx.status = outcome.status;
	// The exact header: Koa's ctx.type setter would look the type up in its MIME table each time.
	ctx.set('Content-Type', type);
	ctx.body = body;
}

export function answerJson(ctx: LocalContext, outcome: Outcome, value: unknown) {
	send(ctx, outcome, 'application/json; charset=utf-8', JSON.stringify(value));
}

function answerHtml(ctx: LocalContext, outcome: Outcome, html: string) {
	ctx.set('Content-Security-Policy', pageCsp);
	send(ctx, outcome, 'text/html; charset=utf-8', html);
}

export function answerText(ctx: LocalContext, outcome: Outcome, text: string) {
	send(ctx, outcome, 'text/plain; charset=utf-8', text);
}

export function answerFailure(ctx: LocalContext, outcome: Outcome, json = wantsJson(ctx)) {
	if (outcome.status === 405 && !ctx.response.get('Allow')) ctx.set('Allow', 'GET, POST, OPTIONS');
	if (json) answerJson(ctx, outcome, {ok: false, code: outcome.code, message: outcome.message});
	else answerHtml(ctx, outcome, renderErrorPage(outcome.status, outcome.code, outcome.message));
}

export interface Success {
	message: string;
	/** Where to send a browser; null shows the self-closing page. */
	url: string | null;
	/** The session's seq after the command, in the JSON answer. */
	seq: number;
}

export function answerSuccess(ctx: LocalContext, {message, url, seq}: Success, json = wantsJson(ctx)) {
	const outcome: Outcome = {status: 200, code: 'ok', message};
	if (json) return answerJson(ctx, outcome, url ? {ok: true, code: 'ok', message, url, seq} : {ok: true, code: 'ok', message, seq});
	if (url) {
		// The URL was parsed and re-serialised by the WHATWG parser and its origin is allowed.
		ctx.set('Location', url);
		return answerText(ctx, {status: 302, code: 'ok', message}, `${message}: redirecting to ${url}`);
	}
	answerHtml(ctx, outcome, renderDonePage(message));
}

/** An HTML or JSON page that is not an action result (status.cgi). */
export function answerPage(ctx: LocalContext, message: string, html: () => string, json: () => unknown) {
	const outcome: Outcome = {status: 200, code: 'ok', message};
	if (wantsJson(ctx)) answerJson(ctx, outcome, json());
	else answerHtml(ctx, outcome, html());
}
