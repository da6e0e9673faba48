// The body of a request, read with a hard limit. Bodies are small by contract (a CRM form with a
// few fields, an /api command), so there is no general body parser: a body larger than the
// limit is refused without reading the rest, and the connection is closed after the answer.
import type {IncomingMessage} from 'node:http';

export type BodyResult = {ok: true; bytes: Buffer} | {ok: false; tooLarge: true};

/** The declared Content-Length, or null when there is none (chunked) or it is not a number. */
function declaredLength(req: IncomingMessage): number | null {
	const raw = req.headers['content-length'];
	if (raw === undefined || raw === '') return null;
	const length = Number(raw);
	return Number.isSafeInteger(length) && length >= 0 ? length : null;
}

/** Whether the request carries a body at all. */
export function hasBody(req: IncomingMessage): boolean {
	return (declaredLength(req) ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** The media type of the body, lower-case, without parameters (`application/json`). */
export function mediaType(req: IncomingMessage): string {
	return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Reads the whole body, refusing more than `limit` bytes without reading the rest. */
export async function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
	const declared = declaredLength(req);
	if (declared !== null && declared > limit) return {ok: false, tooLarge: true};
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > limit) return {ok: false, tooLarge: true};
		chunks.push(chunk);
	}
	return {ok: true, bytes: Buffer.concat(chunks)};
}
