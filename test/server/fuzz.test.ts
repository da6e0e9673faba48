// Property test: ≥10,000 random requests (random routes under /cgi-bin, random parameters with
// hostile bytes, random values for the guarded headers) over HTTP keep-alive against the real
// server, session and simulator. The app must never fail (no 500, no dropped connection), and
// a refused request must leave the session exactly as it was (same seq, same snapshot object).
import {Agent, request} from 'node:http';
import fc from 'fast-check';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {crmOrigin, homeOrigin, loginReady, startHarness, type Harness} from './server-harness.js';

let h: Harness;
const agent = new Agent({keepAlive: true, maxSockets: 1});

beforeAll(async () => {
	h = await startHarness();
	await loginReady(h.store);
});
afterAll(async () => {
	agent.destroy();
	await h.close();
});

/** Percent-encodes every byte except unreserved characters (encodeURIComponent throws on lone surrogates). */
function encode(value: string): string {
	let out = '';
	for (const byte of Buffer.from(value, 'utf8')) {
		const char = String.fromCharCode(byte);
		out += /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
	}
	return out;
}

const routes = ['login', 'call', 'transfer', 'logout', 'ready', 'away', 'answer', 'hangup', 'hold', 'status'];
const names = ['number', 'url', 'mode', 'reason', 'user', 'pass', 'on', 'format', 'since', 'sid', 'note'];

const hostileText = fc.oneof(
	fc.string({unit: 'binary', maxLength: 40}),
	fc.string({unit: fc.constantFrom('\r', '\n', '\0', '\t', '\u007F', '\u0085', '\u2028', '\u2029', '1', '+', '#', ' ', '%', '&', '='), maxLength: 12}),
	fc.string({unit: 'grapheme-ascii', maxLength: 3000}),
);

const plausibleValue = fc.oneof(
	{weight: 20, arbitrary: fc.constantFrom('139001', '+86 (10) 5555-1234', '2001', '1', '', 'lunch', 'break', 'napping', 'blind', 'consult', 'json', 'html', '0', '1')},
	{weight: 10, arbitrary: fc.constantFrom(`${crmOrigin}/x`, `${homeOrigin}/`, 'https://evil.example/', '//evil.example', 'javascript:alert(1)', `${crmOrigin}@evil.example`)},
	{weight: 5, arbitrary: fc.constantFrom('102', 'admin', 'nope')},
	// The demo user: a login attempt with it costs one scrypt, so keep it rare and 10,000 runs fast.
	{weight: 1, arbitrary: fc.constant('101')},
);

const encodedPair = fc.oneof(
	{weight: 8, arbitrary: fc.tuple(fc.constantFrom(...names), fc.oneof(plausibleValue, hostileText)).map(([name, value]) => `${encode(name)}=${encode(value)}`)},
	{weight: 1, arbitrary: fc.tuple(hostileText, hostileText).map(([name, value]) => `${encode(name)}=${encode(value)}`)},
	// Raw fragments a strict decoder must refuse or tolerate without crashing.
	{weight: 1, arbitrary: fc.constantFrom('number=%', 'number=%zz', '%E0%A4=1', 'number=%C0%80', 'a=%ED%A0%80', '=', '&', 'x', 'number=1&number=2', 'url=%0D%0ALocation:%20x')},
);

const pathArb = fc.oneof(
	{weight: 9, arbitrary: fc.constantFrom(...routes).map((route) => `/cgi-bin/${route}.cgi`)},
	{weight: 1, arbitrary: fc.string({unit: 'grapheme-ascii', maxLength: 20}).map((segment) => `/cgi-bin/${encode(segment)}`)},
);

const guardedHeaders: Record<string, readonly string[]> = {
	Host: ['OWN', 'localhost:PORT', '[::1]:PORT', 'localhost', 'evil.example:PORT', 'evil.example', 'localhost:1'],
	Origin: [crmOrigin, homeOrigin, 'https://evil.example', 'null', 'http://localhost:PORT', ''],
	Referer: [`${crmOrigin}/page`, 'https://evil.example/x', 'not a url'],
	'Sec-Fetch-Site': ['none', 'same-origin', 'same-site', 'cross-site', 'bogus'],
	Accept: ['application/json', 'text/html', '*/*', 'application/json;q=0, text/html'],
	'Content-Type': ['application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x'],
	'Sec-Purpose': ['prefetch', 'prefetch;prerender'],
	'Access-Control-Request-Method': ['GET', 'POST', 'DELETE'],
	'Access-Control-Request-Private-Network': ['true', 'false'],
};

/** Up to three of the guarded headers, each with a benign or a hostile value. */
const headerArb = fc
	.uniqueArray(
		fc.constantFrom(...Object.keys(guardedHeaders)).chain((name) => fc.constantFrom(...guardedHeaders[name]!).map((value) => [name, value] as const)),
		{maxLength: 3, selector: ([name]) => name},
	)
	.map((entries) => Object.fromEntries(entries) as Record<string, string>);

const requestArb = fc.record({
	method: fc.oneof({weight: 6, arbitrary: fc.constant('GET')}, {weight: 3, arbitrary: fc.constant('POST')}, {weight: 1, arbitrary: fc.constantFrom('OPTIONS', 'PUT', 'HEAD', 'DELETE')}),
	path: pathArb,
	query: fc.array(encodedPair, {maxLength: 6}),
	body: fc.option(fc.array(encodedPair, {maxLength: 4}), {nil: undefined}),
	headers: headerArb,
});

type Fuzzed = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function send(fuzzed: Fuzzed): Promise<number> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(fuzzed.headers)) {
		headers[name] = value.replace('OWN', `127.0.0.1:${h.port}`).replace('PORT', String(h.port));
	}
	headers['Host'] ??= `127.0.0.1:${h.port}`;
	const query = fuzzed.query.join('&');
	const body = fuzzed.method === 'POST' && fuzzed.body ? fuzzed.body.join('&') : undefined;
	return new Promise((resolve, reject) => {
		const req = request(
			{agent, host: '127.0.0.1', port: h.port, method: fuzzed.method, path: `${fuzzed.path}${query ? `?${query}` : ''}`, headers, setHost: false},
			(response) => {
				response.resume();
				response.on('end', () => resolve(response.statusCode ?? 0));
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

const expectedStatuses = new Set([200, 204, 302, 400, 401, 403, 404, 405, 409, 413, 415, 501, 502, 503]);

it('survives 10,000 random requests and changes nothing on any refused one', async () => {
	const seen = new Map<number, number>();
	await fc.assert(
		fc.asyncProperty(requestArb, async (fuzzed) => {
			const before = h.store.getSnapshot();
			const status = await send(fuzzed);
			seen.set(status, (seen.get(status) ?? 0) + 1);
			expect(expectedStatuses.has(status), `status ${status}`).toBe(true);
			if (status >= 400) {
				const after = h.store.getSnapshot();
				expect(after.seq).toBe(before.seq);
				expect(after).toBe(before);
			}
		}),
		{numRuns: 10_000, seed: 20_261_125},
	);
	// The mix must exercise both sides: some requests pass every guard, many are refused.
	expect(seen.get(200) ?? 0).toBeGreaterThan(100);
	expect(seen.get(400) ?? 0).toBeGreaterThan(1000);
	expect(seen.get(403) ?? 0).toBeGreaterThan(1000);
	expect(seen.get(500)).toBeUndefined();
}, 120_000);
