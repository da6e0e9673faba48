// Hostile requests, one class per table row, against the real server: none may change the
// session, and each gets the documented status.
import {Writable} from 'node:stream';
import {connect, type Socket} from 'node:net';
import {text} from 'node:stream/consumers';
import pino from 'pino';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {allowedOrigins, checkHost, checkLoopback, checkSite, isLoopback, ownOrigins} from '../../source/server/guard.js';
import {crmOrigin, homeOrigin, linkOrigin, loginReady, rawRequest, startHarness, testConfig, type Harness} from './server-harness.js';

let h: Harness;
const logLines: string[] = [];

beforeAll(async () => {
	const sink = new Writable({
		write(chunk: Buffer, _encoding, done) {
			logLines.push(chunk.toString('utf8'));
			done();
		},
	});
	h = await startHarness({logger: pino({level: 'debug'}, sink)});
	await loginReady(h.store);
});
afterAll(() => h.close());

const own = () => `127.0.0.1:${h.port}`;

/** GET through node:http with exact headers; asserts the session did not move when refused. */
async function hostile(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) {
	const before = h.store.getSnapshot();
	const response = await rawRequest(h.port, path, {method, headers: {Host: own(), ...headers}, body});
	if (response.status >= 400) expect(h.store.getSnapshot()).toBe(before);
	return response;
}

describe('pure checks', () => {
	it.each([
		['127.0.0.1', true],
		['127.8.9.10', true],
		['::1', true],
		['::ffff:127.0.0.1', true],
		['192.168.1.5', false],
		['::ffff:10.0.0.1', false],
		['fe80::1', false],
		['1127.0.0.1', false],
		[undefined, false],
	])('isLoopback(%s) is %s', (address, expected) => {
		expect(isLoopback(address)).toBe(expected);
		expect(checkLoopback({remoteAddress: address} as Socket).ok).toBe(expected);
	});

	it.each([
		['localhost:8180', 8180, true],
		['LOCALHOST:8180', 8180, true],
		['127.0.0.1:8180', 8180, true],
		['[::1]:8180', 8180, true],
		['localhost', 8180, false],
		['localhost', 80, true],
		['127.0.0.1', 80, true],
		['localhost:80', 80, true],
		['localhost:8181', 8180, false],
		['evil.example:8180', 8180, false],
		['localhost.evil.example:8180', 8180, false],
		['127.0.0.1.nip.io:8180', 8180, false],
		['localhost:8180@evil', 8180, false],
		['[::ffff:127.0.0.1]:8180', 8180, false],
		['', 8180, false],
	])('Host %j on port %i passes: %s', (host, port, expected) => {
		expect(checkHost({host}, port).ok).toBe(expected);
	});

	it('allows the origins of the home URL, the pop URLs, the links and server.allowedOrigins', () => {
		expect([...allowedOrigins(testConfig())].sort()).toEqual([crmOrigin, homeOrigin, linkOrigin].sort());
	});

	it('counts only our own loopback origins as ours', () => {
		expect(ownOrigins(180)).toEqual(new Set(['http://localhost:180', 'http://127.0.0.1:180', 'http://[::1]:180']));
		expect(ownOrigins(80).has('http://localhost')).toBe(true);
	});

	it.each([
		[{}, true],
		[{'sec-fetch-site': 'none'}, true],
		[{'sec-fetch-site': 'same-origin', referer: 'http://localhost:180/cgi-bin/status.cgi'}, true],
		[{'sec-fetch-site': 'cross-site'}, false],
		[{'sec-fetch-site': 'same-site'}, false],
		[{'sec-fetch-site': 'cross-site', referer: `${crmOrigin}/a`}, true],
		[{'sec-fetch-site': 'cross-site', referer: 'https://evil.example/a'}, false],
		[{'sec-fetch-site': 'cross-site', origin: crmOrigin, referer: 'https://evil.example/'}, true],
		[{origin: 'https://evil.example'}, false],
		[{origin: 'null'}, false],
		[{origin: `${crmOrigin}, https://evil.example`}, false],
		[{referer: 'not a url'}, false],
		[{'sec-fetch-site': 'none', referer: 'https://evil.example/'}, false],
	])('site check of %j passes: %s', (headers, expected) => {
		expect(checkSite(headers, allowedOrigins(testConfig()), 180).verdict.ok).toBe(expected);
	});
});

describe('DNS rebinding', () => {
	it.each([
		['evil.example'],
		['evil.example:PORT'],
		['localhost'],
		['127.0.0.1'],
		['localhost:1'],
		['localhost.:PORT'],
	])('refuses Host %s with 403', async (host) => {
		const response = await hostile('/cgi-bin/status.cgi', {Host: host.replace('PORT', String(h.port))});
		expect(response.status).toBe(403);
		expect(response.body).toContain('DNS-rebinding');
		expect(response.body).not.toContain('"agent"');
	});

	it.each(['localhost:PORT', '127.0.0.1:PORT', '[::1]:PORT', 'LocalHost:PORT'])('accepts Host %s', async (host) => {
		const response = await hostile('/cgi-bin/status.cgi?format=json', {Host: host.replace('PORT', String(h.port))});
		expect(response.status).toBe(200);
	});
});

describe('cross-site requests', () => {
	const call = '/cgi-bin/call.cgi?number=139001&format=json';

	it.each([
		['a foreign Origin', {Origin: 'https://evil.example'}],
		['Origin null (sandboxed iframe, data: URL)', {Origin: 'null'}],
		['a foreign Referer marked cross-site', {'Sec-Fetch-Site': 'cross-site', Referer: 'https://evil.example/page'}],
		['a foreign Referer with no fetch metadata', {Referer: 'http://localhost:9999/evil'}],
		['a cross-site request that hides its origin', {'Sec-Fetch-Site': 'cross-site'}],
		['a same-site request from another port', {'Sec-Fetch-Site': 'same-site', Origin: 'http://localhost:9999'}],
		['a look-alike origin', {Origin: 'https://crm.example.com.evil.example'}],
		['the right host on the wrong scheme', {Origin: 'http://crm.example.com'}],
	])('refuses %s with 403 on an action and on status.cgi', async (_name, headers) => {
		const action = await hostile(call, headers);
		expect(action.status).toBe(403);
		expect(JSON.parse(action.body)).toMatchObject({ok: false, code: 'forbidden'});
		expect(action.headers['access-control-allow-origin']).toBeUndefined();
		const status = await hostile('/cgi-bin/status.cgi?format=json', headers);
		expect(status.status).toBe(403);
		expect(status.body).not.toContain('"agent"');
	});

	it('refuses a form POST from a foreign page', async () => {
		const response = await hostile(
			'/cgi-bin/call.cgi',
			{Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded'},
			'POST',
			'number=139001',
		);
		expect(response.status).toBe(403);
	});

	it.each([
		['no browser markers (curl, the address bar)', {}],
		['Sec-Fetch-Site: none (typed or bookmarked)', {'Sec-Fetch-Site': 'none'}],
		['an allowed Origin', {Origin: crmOrigin}],
		['an allowed Referer marked cross-site', {'Sec-Fetch-Site': 'cross-site', Referer: `${homeOrigin}/crm/index.html`}],
		['a preset link origin', {Origin: linkOrigin}],
	])('accepts %s', async (_name, headers) => {
		const response = await hostile('/cgi-bin/status.cgi?format=json', headers);
		expect(response.status).toBe(200);
	});

	it('sends CORS headers only to allowed origins, with the exact origin and Vary: Origin', async () => {
		const allowed = await hostile('/cgi-bin/status.cgi?format=json', {Origin: crmOrigin});
		expect(allowed.headers['access-control-allow-origin']).toBe(crmOrigin);
		expect(allowed.headers['vary']).toMatch(/Origin/);
		const plain = await hostile('/cgi-bin/status.cgi?format=json');
		expect(plain.headers['access-control-allow-origin']).toBeUndefined();
		expect(plain.headers['vary']).toMatch(/Origin/);
	});

	it('refuses browser prefetch and prerender of an action', async () => {
		expect((await hostile(call, {'Sec-Purpose': 'prefetch'})).status).toBe(403);
		expect((await hostile(call, {Purpose: 'prefetch'})).status).toBe(403);
	});
});

describe('CORS and Private Network Access preflight', () => {
	const preflight = (origin: string, extra: Record<string, string> = {}) =>
		hostile('/cgi-bin/call.cgi', {Origin: origin, 'Access-Control-Request-Method': 'GET', ...extra}, 'OPTIONS');

	it('answers an allowed origin, with Access-Control-Allow-Private-Network when asked', async () => {
		const response = await preflight(crmOrigin, {'Access-Control-Request-Private-Network': 'true'});
		expect(response.status).toBe(204);
		expect(response.headers['access-control-allow-origin']).toBe(crmOrigin);
		expect(response.headers['access-control-allow-private-network']).toBe('true');
		expect(response.headers['access-control-allow-methods']).toBe('GET, POST');
		const withoutPna = await preflight(crmOrigin);
		expect(withoutPna.headers['access-control-allow-private-network']).toBeUndefined();
	});

	it.each(['https://evil.example', 'null', ''])('refuses origin %j with 403 and no CORS headers', async (origin) => {
		const response = await preflight(origin, {'Access-Control-Request-Private-Network': 'true'});
		expect(response.status).toBe(403);
		expect(response.headers['access-control-allow-origin']).toBeUndefined();
		expect(response.headers['access-control-allow-private-network']).toBeUndefined();
	});

	it('refuses a preflight for another method', async () => {
		const response = await hostile('/cgi-bin/call.cgi', {Origin: crmOrigin, 'Access-Control-Request-Method': 'DELETE'}, 'OPTIONS');
		expect(response.status).toBe(403);
	});
});

describe('open redirects', () => {
	it.each([
		'//evil.example/x',
		'/relative/path',
		'javascript:alert(1)',
		'JaVaScRiPt:alert(1)',
		'data:text/html,<script>alert(1)</script>',
		'https://evil.example/',
		`${crmOrigin}@evil.example/`,
		'https://user:pw@crm.example.com/',
		'https://evil.example\\@crm.example.com/',
		'https:\\\\evil.example',
		'http:/\\evil.example',
		'https:evil.example',
		` ${crmOrigin}/`,
		`${crmOrigin}.evil.example/`,
		'ftp://crm.example.com/',
		`${crmOrigin}/\r\nSet-Cookie: x=1`,
		`${crmOrigin}/${'a'.repeat(2100)}`,
	])('refuses url=%j with 400 and does not act', async (url) => {
		const response = await hostile(`/cgi-bin/call.cgi?number=139001&url=${encodeURIComponent(url)}`);
		expect(response.status).toBe(400);
		expect(response.headers['location']).toBeUndefined();
	});

	it('normalises an allowed URL before redirecting', async () => {
		await h.store.run({type: 'hangup'});
		const response = await hostile(`/cgi-bin/status.cgi?format=json`);
		expect(response.status).toBe(200);
		const login = await hostile(`/cgi-bin/login.cgi?user=101&pass=101&url=${encodeURIComponent('HTTPS://CRM.Example.COM:443/a%20b?x=1#f')}`);
		expect(login.status).toBe(302);
		expect(login.headers['location']).toBe('https://crm.example.com/a%20b?x=1#f');
	});
});

describe('input validation', () => {
	beforeEach(async () => {
		if (h.store.getSnapshot().call) await h.store.run({type: 'hangup'});
	});

	it.each([
		['CRLF in number', 'number=1%0D%0A2'],
		['NUL in number', 'number=139%00'],
		['tab in number', 'number=139%09001'],
		['DEL', 'number=139%7F'],
		['C1 control (NEL)', 'number=139%C2%85'],
		['LINE SEPARATOR', 'number=139%E2%80%A8'],
		['PARAGRAPH SEPARATOR', 'number=139%E2%80%A9'],
		['control character in an ignored parameter', 'number=139001&note=a%0Ab'],
		['control character in a parameter name', 'number=139001&a%0D=1'],
		['CRLF in url', `number=139001&url=${encodeURIComponent(`${crmOrigin}/\r\nSet-Cookie:a`)}`],
		['broken escape', 'number=%zz'],
		['truncated escape', 'number=139%2'],
		['lone percent', 'number=139%'],
		['invalid UTF-8', 'number=%E0%A4'],
		['overlong UTF-8', 'number=%C0%80'],
		['lone surrogate as UTF-8', 'number=%ED%A0%80'],
		['raw non-ASCII byte', 'number=139001&x=%FF'],
		['duplicate parameter', 'number=139001&number=139002'],
		['empty name', '=1&number=139001'],
		['number too long', `number=${'1'.repeat(33)}`],
		['too many parameters', Array.from({length: 40}, (_, i) => `p${i}=1`).join('&')],
		['overlong value', `number=139001&x=${'a'.repeat(5000)}`],
	])('refuses %s with 400 before the session sees it', async (_name, query) => {
		const response = await hostile(`/cgi-bin/call.cgi?${query}&format=json`);
		expect(response.status).toBe(400);
		expect(JSON.parse(response.body)).toMatchObject({ok: false, code: 'bad-input'});
	});

	it.each([
		['user', `/cgi-bin/login.cgi?user=${'u'.repeat(65)}&pass=1`],
		['pass', `/cgi-bin/login.cgi?user=101&pass=${'p'.repeat(257)}`],
		['reason', `/cgi-bin/away.cgi?reason=${'r'.repeat(65)}`],
		['user with CR', '/cgi-bin/login.cgi?user=101%0D&pass=101'],
		['reason with LF', '/cgi-bin/away.cgi?reason=lunch%0A'],
		['mode', '/cgi-bin/transfer.cgi?number=2001&mode=blind%00'],
	])('bounds and checks %s', async (_name, path) => {
		expect((await hostile(path)).status).toBe(400);
	});

	it('sends the security headers on every answer', async () => {
		for (const path of ['/cgi-bin/status.cgi', '/cgi-bin/call.cgi?number=%zz', '/nope']) {
			const response = await hostile(path);
			expect(response.headers['x-content-type-options']).toBe('nosniff');
			expect(response.headers['cache-control']).toBe('no-store');
			expect(response.headers['referrer-policy']).toBe('no-referrer');
			expect(response.headers['content-security-policy']).toContain("default-src 'none'");
		}
	});

	it('refuses a request target that is not a path (an absolute URL names a host the Host check never saw)', async () => {
		const before = h.store.getSnapshot();
		const socket = connect(h.port, '127.0.0.1');
		socket.end(`GET http://evil.example/cgi-bin/call.cgi?number=139001 HTTP/1.1\r\nHost: ${own()}\r\nConnection: close\r\n\r\n`);
		const answer = await text(socket);
		expect(answer.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 400 /);
		expect(answer).toMatch(/Bad request target/);
		expect(h.store.getSnapshot()).toBe(before);
		expect(h.activity.getEntries().at(-1)?.text).toMatch(/→ 400 bad request target/);
	});

	it('refuses two Host headers', async () => {
		const socket = connect(h.port, '127.0.0.1');
		socket.end(`GET /cgi-bin/status.cgi HTTP/1.1\r\nHost: ${own()}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`);
		const answer = (await text(socket)).split('\r\n')[0];
		expect(answer).toMatch(/^HTTP\/1\.1 400 /);
	});
});

describe('secrets', () => {
	it('never writes pass or sid to the Events tab or the log file', async () => {
		await h.store.run({type: 'logout'}).catch(() => undefined);
		const secretPass = 'Sup3rSecretPa55';
		await hostile(`/cgi-bin/login.cgi?user=101&pass=${secretPass}&format=json`);
		await hostile(`/cgi-bin/status.cgi?sid=SECRETSID123&password=${secretPass}&token=${secretPass}`);
		await hostile(`/cgi-bin/login.cgi?user=101&pass=${secretPass}%0A`);
		await hostile(`/cgi-bin/login.cgi?user=101&pass=101&format=json`);
		const sid = h.store.getSnapshot().agent.sid!;
		const events = h.activity.getEntries().map((entry) => entry.text).join('\n');
		const log = logLines.join('');
		for (const text of [events, log]) {
			expect(text).toContain('login.cgi');
			expect(text).toContain('pass');
			expect(text).not.toContain(secretPass);
			expect(text).not.toContain('SECRETSID123');
			expect(text).not.toContain(sid);
			expect(text).not.toMatch(/pass=101/);
		}
	});
});

describe('a fault in a guard', () => {
	it('answers 500 on /cgi-bin, changes nothing, and keeps serving', async () => {
		let broken = true;
		const harness = await startHarness({
			peerCheck: async () => {
				if (broken) throw new Error('the peer table was unreadable');
				return {ok: true};
			},
		});
		try {
			const before = harness.store.getSnapshot();
			const response = await rawRequest(harness.port, '/cgi-bin/call.cgi?number=139001&format=json');
			expect(response.status).toBe(500);
			expect(JSON.parse(response.body)).toMatchObject({ok: false, code: 'internal'});
			expect(harness.store.getSnapshot()).toBe(before);
			expect(harness.activity.getEntries().at(-1)).toMatchObject({level: 'error', text: expect.stringMatching(/call\.cgi.*→ 500/)});
			broken = false;
			expect((await rawRequest(harness.port, '/cgi-bin/status.cgi?format=json')).status).toBe(200);
		} finally {
			await harness.close();
		}
	});
});
