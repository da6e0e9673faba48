// Reads a request's parameters: the query string, plus an urlencoded body for POST, both
// decoded strictly (validate.ts). The body is small by contract (a CRM form with a few
// fields), so it is read with a hard limit instead of a general body parser.
import type {Exchange} from './exchange.js';
import {header} from './exchange.js';
import {failure, replyFailure, type ServerCode} from './reply.js';
import {limits, mergeParams, parseParams} from './validate.js';

const bodyLimit = limits.queryBytes;

type BodyResult = {ok: true; bytes: Buffer} | {ok: false; tooLarge: boolean};

/** The declared Content-Length, or null when there is none (chunked) or it is not a number. */
export function declaredLength(exchange: Exchange): number | null {
	const raw = header(exchange, 'content-length');
	if (raw === '') return null;
	const length = Number(raw);
	return Number.isSafeInteger(length) && length >= 0 ? length : null;
}

/** Reads the whole request body, refusing more than `limit` bytes without reading the rest. */
export async function readBody(exchange: Exchange, limit = bodyLimit): Promise<BodyResult> {
	const declared = declaredLength(exchange);
	if (declared !== null && declared > limit) return {ok: false, tooLarge: true};
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of exchange.req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > limit) return {ok: false, tooLarge: true};
		chunks.push(chunk);
	}
	return {ok: true, bytes: Buffer.concat(chunks)};
}

/** The media type of the body, lower-case, without parameters (`application/json`). */
export function mediaType(exchange: Exchange): string {
	return header(exchange, 'content-type').split(';')[0]!.trim().toLowerCase();
}

/** Whether the request carries a body at all. */
export function hasBody(exchange: Exchange): boolean {
	return (declaredLength(exchange) ?? 0) > 0 || header(exchange, 'transfer-encoding') !== '';
}

/** Answers with a refusal; false, so a step reads `return refuse(…)`. */
function refuse(exchange: Exchange, code: ServerCode, message: string): false {
	replyFailure(exchange, failure(code, message));
	return false;
}

/**
 * Sets `exchange.params`; returns false when it answered the request itself (a refusal).
 * GET and a bodiless POST read the query only, without waiting for anything.
 */
export function readParams(exchange: Exchange): boolean | Promise<boolean> {
	const query = parseParams(exchange.query);
	if (!query.ok) return refuse(exchange, 'bad-input', query.message);
	if (exchange.req.method !== 'POST' || !hasBody(exchange)) {
		exchange.params = query.value;
		return true;
	}
	return readForm(exchange, query.value);
}

async function readForm(exchange: Exchange, query: Map<string, string>): Promise<boolean> {
	if (mediaType(exchange) !== 'application/x-www-form-urlencoded') {
		exchange.responseHeaders.push('Connection', 'close');
		return refuse(exchange, 'unsupported-media-type', 'POST a form as application/x-www-form-urlencoded (or use GET).');
	}
	const body = await readBody(exchange);
	if (!body.ok) {
		// The rest of the body is not read: close the connection rather than parse it as a request.
		exchange.responseHeaders.push('Connection', 'close');
		return refuse(exchange, 'too-large', `The request body is larger than ${bodyLimit} bytes.`);
	}
	// latin1 keeps one char per byte, so the strict decoder sees raw non-ASCII bytes and refuses them.
	const form = parseParams(body.bytes.toString('latin1'));
	if (!form.ok) return refuse(exchange, 'bad-input', form.message);
	const merged = mergeParams(query, form.value);
	if (!merged.ok) return refuse(exchange, 'bad-input', merged.message);
	exchange.params = merged.value;
	return true;
}
