// Reads a request's parameters: the query string, plus an urlencoded body for POST, both
// decoded strictly (validate.ts). The body is small by contract (a CRM form with a few
// fields), so it is read with a hard limit instead of a general body parser.
import type {Context, Middleware, Next} from 'koa';
import {failure, replyFailure, stateOf} from './reply.js';
import {limits, mergeParams, parseParams} from './validate.js';

const bodyLimit = limits.queryBytes;

type BodyResult = {ok: true; text: string} | {ok: false; tooLarge: boolean};

async function readBody(stream: AsyncIterable<Buffer>, declared: number | null): Promise<BodyResult> {
	if (declared !== null && declared > bodyLimit) return {ok: false, tooLarge: true};
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		size += chunk.length;
		if (size > bodyLimit) return {ok: false, tooLarge: true};
		chunks.push(chunk);
	}
	return {ok: true, text: Buffer.concat(chunks).toString('latin1')};
}

export function readParams(): Middleware {
	return function readParams(ctx, next) {
		const query = parseParams(ctx.querystring);
		if (!query.ok) return replyFailure(ctx, failure('bad-input', query.message));
		const hasBody = ctx.method === 'POST' && (ctx.request.length > 0 || ctx.get('Transfer-Encoding') !== '');
		if (!hasBody) {
			stateOf(ctx).params = query.value;
			return next();
		}
		return readForm(ctx, next, query.value);
	};
}

async function readForm(ctx: Context, next: Next, query: Map<string, string>) {
	if (!ctx.is('application/x-www-form-urlencoded')) {
		ctx.set('Connection', 'close');
		return replyFailure(ctx, failure('unsupported-media-type', 'POST a form as application/x-www-form-urlencoded (or use GET).'));
	}
	const body = await readBody(ctx.req, Number.isFinite(ctx.request.length) ? ctx.request.length : null);
	if (!body.ok) {
		// The rest of the body is not read: close the connection rather than parse it as a request.
		ctx.set('Connection', 'close');
		return replyFailure(ctx, failure('too-large', `The request body is larger than ${bodyLimit} bytes.`));
	}
	// latin1 keeps one char per byte, so the strict decoder sees raw non-ASCII bytes and refuses them.
	const form = parseParams(body.text);
	if (!form.ok) return replyFailure(ctx, failure('bad-input', form.message));
	const merged = mergeParams(query, form.value);
	if (!merged.ok) return replyFailure(ctx, failure('bad-input', merged.message));
	stateOf(ctx).params = merged.value;
	await next();
}
