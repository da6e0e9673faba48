// One way to answer every request: JSON `{ok, code, message, …}` for scripts, HTML for a
// browser (a self-closing page, a redirect, or an error page that stays open). Each answer is
// written to Node in one writeHead + end with every header at once, and its outcome is kept on
// the exchange so the request log can say what happened.
import accepts from 'accepts';
import type {ErrorCode} from '../core/types.js';
import type {Exchange, Outcome} from './exchange.js';
import {header} from './exchange.js';
import {pageCsp, renderDonePage, renderErrorPage} from './pages.js';

export type {Outcome} from './exchange.js';

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

export interface Failure extends Outcome {
	ok?: false;
}

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

/** On every answer, refusals included; answers differ by Origin (CORS), hence Vary. */
const commonHeaders: readonly string[] = [
	'X-Content-Type-Options', 'nosniff',
	'Cache-Control', 'no-store',
	'Referrer-Policy', 'no-referrer',
	'X-Frame-Options', 'DENY',
	'Cross-Origin-Resource-Policy', 'same-origin',
	'Vary', 'Origin',
];

const jsonType = 'application/json; charset=utf-8';
const htmlType = 'text/html; charset=utf-8';
const textType = 'text/plain; charset=utf-8';

/** Writes the whole answer: status, the common and the exchange's headers, and the body. */
export function send(exchange: Exchange, outcome: Outcome, type: string | null, body: string) {
	exchange.outcome = outcome;
	const head = commonHeaders.concat(exchange.responseHeaders);
	if (type !== null) head.push('Content-Type', type, 'Content-Length', String(Buffer.byteLength(body)));
	exchange.res.writeHead(outcome.status, head);
	exchange.res.end(type === null ? undefined : body);
}

const formatJson = /(?:^|&)format=json(?:&|$)/;
const formatHtml = /(?:^|&)format=html(?:&|$)/;

/** JSON when asked by `format=json` or by `Accept: application/json`; HTML otherwise (a browser). */
export function wantsJson(exchange: Exchange): boolean {
	const format = exchange.params?.get('format');
	if (format === 'json') return true;
	if (format === 'html') return false;
	// Before the query was parsed (a guard refused it), look at the raw text: good enough to pick a format.
	if (format === undefined && !exchange.params) {
		if (formatJson.test(exchange.query)) return true;
		if (formatHtml.test(exchange.query)) return false;
	}
	const accept = header(exchange, 'accept');
	return accept.includes('json') && accepts(exchange.req).type('html', 'json') === 'json';
}

export function sendJson(exchange: Exchange, outcome: Outcome, value: unknown) {
	send(exchange, outcome, jsonType, JSON.stringify(value));
}

function sendHtml(exchange: Exchange, outcome: Outcome, html: string) {
	exchange.responseHeaders.push('Content-Security-Policy', pageCsp);
	send(exchange, outcome, htmlType, html);
}

export function replyFailure(exchange: Exchange, outcome: Failure, json = wantsJson(exchange)) {
	if (outcome.status === 405 && !exchange.responseHeaders.includes('Allow')) exchange.responseHeaders.push('Allow', 'GET, POST, OPTIONS');
	if (json) {
		sendJson(exchange, outcome, {ok: false, code: outcome.code, message: outcome.message});
	} else {
		sendHtml(exchange, outcome, renderErrorPage(outcome.status, outcome.code, outcome.message));
	}
}

export interface Success {
	message: string;
	/** Where to send a browser; null shows the self-closing page. */
	url: string | null;
	/** The session's seq after the command, in the JSON answer. */
	seq: number;
}

export function replySuccess(exchange: Exchange, success: Success, json = wantsJson(exchange)) {
	if (json) {
		// Two literal shapes rather than spreads: spreading into a literal is V8's slow path.
		const {message, url, seq} = success;
		const outcome = {status: 200, code: 'ok', message} as const;
		sendJson(exchange, outcome, url ? {ok: true, code: 'ok', message, url, seq} : {ok: true, code: 'ok', message, seq});
		return;
	}
	if (success.url) {
		// The URL was parsed and re-serialised by the WHATWG parser and its origin is allowed.
		exchange.responseHeaders.push('Location', success.url);
		send(exchange, {status: 302, code: 'ok', message: success.message}, textType, `${success.message}: redirecting to ${success.url}`);
		return;
	}
	sendHtml(exchange, {status: 200, code: 'ok', message: success.message}, renderDonePage(success.message));
}

/** An HTML or JSON page that is not an action result (status.cgi). */
export function replyPage(exchange: Exchange, message: string, html: () => string, json: () => unknown) {
	const outcome = {status: 200, code: 'ok', message} as const;
	if (wantsJson(exchange)) sendJson(exchange, outcome, json());
	else sendHtml(exchange, outcome, html());
}

/** A bodiless answer (the CORS preflight's 204). */
export function sendEmpty(exchange: Exchange, outcome: Outcome) {
	send(exchange, outcome, null, '');
}
