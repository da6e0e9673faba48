// Reads a /cgi-bin request's parameters into ctx.state.params: the query string, plus an
// urlencoded body for POST, both decoded strictly (validate.ts: broken escapes, duplicates,
// control characters and oversized input are refused). Koa's own ctx.query forgives all of
// these, so routes never read it.
import type {Middleware} from 'koa';
import {answerFailure, failure, type LocalContext, type LocalState, type ServerCode} from '../answer.js';
import {hasBody, mediaType, readBody} from '../request-body.js';
import {limits, mergeParams, parseParams, type Params} from '../validate.js';

type Read = {ok: true; params: Params} | {ok: false; code: ServerCode; message: string; close: boolean};

async function readForm(ctx: LocalContext, query: Params): Promise<Read> {
	if (mediaType(ctx.req) !== 'application/x-www-form-urlencoded') {
		return {ok: false, code: 'unsupported-media-type', message: 'POST a form as application/x-www-form-urlencoded (or use GET).', close: true};
	}
	const body = await readBody(ctx.req, limits.queryBytes);
	if (!body.ok) return {ok: false, code: 'too-large', message: `The request body is larger than ${limits.queryBytes} bytes.`, close: true};
	// latin1 keeps one char per byte, so the strict decoder sees raw non-ASCII bytes and refuses them.
	const form = parseParams(body.bytes.toString('latin1'));
	if (!form.ok) return {ok: false, code: 'bad-input', message: form.message, close: false};
	const merged = mergeParams(query, form.value);
	return merged.ok ? {ok: true, params: merged.value} : {ok: false, code: 'bad-input', message: merged.message, close: false};
}

export const strictParams: Middleware<LocalState> = async function strictParams(ctx, next) {
	const query = parseParams(ctx.querystring);
	if (!query.ok) return answerFailure(ctx, failure('bad-input', query.message));
	if (ctx.method !== 'POST' || !hasBody(ctx.req)) {
		ctx.state.params = query.value;
		return next();
	}
	const read = await readForm(ctx, query.value);
	if (!read.ok) {
		// The rest of an unread body must not be parsed as the next request: close after answering.
		if (read.close) ctx.set('Connection', 'close');
		return answerFailure(ctx, failure(read.code, read.message));
	}
	ctx.state.params = read.params;
	await next();
};
