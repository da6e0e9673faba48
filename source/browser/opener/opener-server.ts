// `ctidesk opener`'s HTTP endpoint, on the agent's own machine: POST /open {url, window} with
// `Authorization: Bearer <token>` opens the URL in this machine's browser. It is reached only
// through an SSH tunnel, and guarded like the local API is:
// - 127.0.0.1 only; the Host header must name the loopback (no DNS rebinding) and a request
//   carrying an Origin (a web page) is refused;
// - the token on every request, compared in constant time;
// - only absolute http(s) URLs, no control characters, at most 4096 characters;
// - at most a few opens per second (a token bucket): a flood from the server opens nothing more.
// A bare node:http server on purpose: this is a separate program with one route, not a second
// local API beside the Koa one (house rule 16 is about the desk's API).
import {createHash, timingSafeEqual} from 'node:crypto';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import type {PopWindowConfig} from '../../config/schema.js';

export interface OpenerOpen {
	(url: string, window: PopWindowConfig | null): Promise<{ok: true} | {ok: false; detail: string}>;
}

export interface OpenerServerOptions {
	port: number;
	token: string;
	open: OpenerOpen;
	/** Opens allowed per second, with the same burst (default 3). */
	ratePerSecond?: number;
	now?: () => number;
	onLog?: (line: string) => void;
}

export interface OpenerServer {
	port: number;
	close(): Promise<void>;
}

const maxBody = 8192;
const maxUrl = 4096;

function digest(value: string): Buffer {
	return createHash('sha256').update(value).digest();
}

/** Constant-time: both sides are hashed to the same length first. */
export function tokenMatches(expected: string, given: string): boolean {
	return expected !== '' && timingSafeEqual(digest(expected), digest(given));
}

export function isOpenableUrl(value: unknown): value is string {
	if (typeof value !== 'string' || value.length > maxUrl) return false;
	// eslint-disable-next-line no-control-regex -- refusing control characters is the point
	if (/[\u0000-\u001F\u007F-\u009F]/.test(value)) return false;
	if (!URL.canParse(value)) return false;
	const url = new URL(value);
	return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/** A Host header naming the loopback (any port): anything else is a rebound DNS name. */
export function isLoopbackHost(host: string): boolean {
	const match = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i.exec(host);
	return match !== null;
}

function parseWindow(value: unknown): PopWindowConfig | null {
	if (typeof value !== 'object' || value === null) return null;
	const {width, height, x, y} = value as Record<string, unknown>;
	const int = (n: unknown, min: number, max: number) => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
	if (!int(width, 200, 10_000) || !int(height, 150, 10_000)) return null;
	const position = int(x, -10_000, 10_000) && int(y, -10_000, 10_000) ? {x: x as number, y: y as number} : {};
	return {width: width as number, height: height as number, ...position};
}

/** A token bucket: `rate` tokens a second, holding at most `rate`. */
function createRateLimit(rate: number, now: () => number) {
	let tokens = rate;
	let last = now();
	return () => {
		const at = now();
		tokens = Math.min(rate, tokens + ((at - last) / 1000) * rate);
		last = at;
		if (tokens < 1) return false;
		tokens -= 1;
		return true;
	};
}

export async function startOpenerServer(options: OpenerServerOptions): Promise<OpenerServer> {
	const now = options.now ?? Date.now;
	const allow = createRateLimit(options.ratePerSecond ?? 3, now);
	const log = options.onLog ?? (() => undefined);

	function reply(response: ServerResponse, status: number, message: string) {
		response.writeHead(status, {'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store'});
		response.end(message);
	}

	async function readBody(request: IncomingMessage): Promise<string | null> {
		let size = 0;
		const chunks: Buffer[] = [];
		for await (const chunk of request) {
			size += (chunk as Buffer).length;
			if (size > maxBody) return null;
			chunks.push(chunk as Buffer);
		}
		return Buffer.concat(chunks).toString('utf8');
	}

	async function handle(request: IncomingMessage, response: ServerResponse) {
		// The host name only: through `ssh -R 3000:127.0.0.1:2226` the desk says 127.0.0.1:3000.
		if (!isLoopbackHost(request.headers.host ?? '')) return reply(response, 403, 'wrong Host');
		if (request.headers.origin !== undefined) return reply(response, 403, 'web pages may not use the opener');
		if (request.method !== 'POST' || request.url !== '/open') return reply(response, 404, 'POST /open only');
		const auth = request.headers.authorization ?? '';
		const given = auth.startsWith('Bearer ') ? auth.slice(7) : '';
		if (!tokenMatches(options.token, given)) {
			log('refused a request with a wrong token');
			return reply(response, 401, 'wrong token');
		}
		const text = await readBody(request);
		if (text === null) return reply(response, 413, 'request too large');
		let body: {url?: unknown; window?: unknown};
		try {
			body = JSON.parse(text) as typeof body;
		} catch {
			return reply(response, 400, 'expected JSON {url, window}');
		}
		if (!isOpenableUrl(body.url)) return reply(response, 400, 'only absolute http(s) URLs are opened');
		if (!allow()) {
			log('refused an open: more than the allowed opens per second');
			response.setHeader('retry-after', '1');
			return reply(response, 429, 'too many opens; wait a second');
		}
		const result = await options.open(body.url, parseWindow(body.window));
		log(result.ok ? `opened ${new URL(body.url).origin}${new URL(body.url).pathname}` : `could not open: ${result.detail}`);
		return result.ok ? reply(response, 200, 'opened') : reply(response, 502, result.detail);
	}

	const server: Server = createServer((request, response) => {
		handle(request, response).catch((error: unknown) => reply(response, 500, String(error)));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, '127.0.0.1', () => resolve());
	});
	return {
		port: (server.address() as AddressInfo).port,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
