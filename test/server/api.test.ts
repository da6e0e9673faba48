// /api over the real server, session store and simulator: the JSON API of scripts and
// attached TUIs. Every command goes through the same session path as the keys and CGI routes.
import {afterEach, describe, expect, it} from 'vitest';
import {deskSettings} from '../../source/desk.js';
import type {InstanceControl} from '../../source/server/action.js';
import {crmOrigin, loginReady, rawRequest, startHarness, type Harness} from './server-harness.js';

let h: Harness | null = null;

afterEach(async () => {
	await h?.close();
	h = null;
});

interface Calls {
	shutdown: boolean[];
	links: string[];
}

async function start(openLink?: (url: string) => Promise<void>) {
	const calls: Calls = {shutdown: [], links: []};
	let harness: Harness | null = null;
	const instance: InstanceControl = {
		describe: () => ({
			pid: process.pid,
			version: '9.8.7',
			configFile: '/tmp/ctidesk-test/config.json',
			capabilities: harness!.store.capabilities,
			settings: deskSettings(harness!.config),
		}),
		shutdown: (logout) => calls.shutdown.push(logout),
		openLink:
			openLink ??
			(async (url) => {
				calls.links.push(url);
			}),
		pops: {getSnapshot: () => ({recent: [], fallbackLinks: [], pendingHidden: 0}), subscribe: () => () => undefined},
	};
	harness = await startHarness({instance});
	h = harness;
	return {harness, calls};
}

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	return rawRequest(h!.port, path, {
		method: 'POST',
		headers: {'Content-Type': 'application/json', Accept: 'application/json', ...headers},
		body: text,
	});
}

const command = (value: unknown, headers: Record<string, string> = {}) => post('/api/command', {command: value}, headers);

const json = (response: {body: string}) => JSON.parse(response.body) as Record<string, unknown>;

describe('GET /api/instance', () => {
	it('describes the instance: pid, version, config file, capabilities and settings', async () => {
		const {harness} = await start();
		const response = await rawRequest(harness.port, '/api/instance');
		expect(response.status).toBe(200);
		expect(response.headers['content-type']).toMatch(/^application\/json/);
		expect(json(response)).toEqual({
			ok: true,
			pid: process.pid,
			version: '9.8.7',
			configFile: '/tmp/ctidesk-test/config.json',
			capabilities: JSON.parse(JSON.stringify(harness.store.capabilities)),
			settings: JSON.parse(JSON.stringify(deskSettings(harness.config))),
		});
	});

	it('answers 501 when the server controls no instance (a bare server)', async () => {
		h = await startHarness();
		const response = await rawRequest(h.port, '/api/instance');
		expect(response.status).toBe(501);
		expect(json(response)).toMatchObject({ok: false, code: 'not-supported'});
	});
});

describe('POST /api/command', () => {
	it('runs commands through the session: login, ready, a call answered, with the seq after each', async () => {
		const {harness} = await start();
		const login = await command({type: 'login', user: '101', password: '101'});
		expect(login.status).toBe(200);
		expect(json(login)).toEqual({ok: true, seq: harness.store.getSnapshot().seq});
		expect(harness.store.getSnapshot().agent.state).toBe('not-ready');
		expect(json(await command({type: 'ready'}))).toMatchObject({ok: true});
		expect(json(await command({type: 'inject-call'}))).toMatchObject({ok: true});
		expect(harness.store.getSnapshot().agent.state).toBe('ringing');
		expect(json(await command({type: 'answer'}))).toMatchObject({ok: true});
		expect(harness.store.getSnapshot().agent.state).toBe('talking');
		// The Events tab names the command and never its values.
		const lines = harness.activity.getEntries().map((entry) => entry.text);
		expect(lines).toContain('POST /api/command?command=login → 200 login done');
		expect(lines.join('\n')).not.toContain('password');
	});

	it('normalises a dial number exactly as call.cgi does', async () => {
		const {harness} = await start();
		await loginReady(harness.store);
		const response = await command({type: 'dial', number: '+86 (139) 0013-8000'});
		expect(response.status).toBe(200);
		expect(harness.store.getSnapshot().call?.number).toBe('+8613900138000');
	});

	it.each([
		['a refused command (nothing to hang up)', {type: 'hangup'}, 409, 'not-allowed'],
		['logout while logged out', {type: 'logout'}, 409, 'not-allowed'],
		['a wrong password', {type: 'login', user: '101', password: 'nope'}, 401, 'auth-failed'],
		// The callId field passes the schema and reaches the session, which knows no such call.
		['a code for a call id it does not know', {type: 'disposition', code: 'resolved', note: null, callId: '20000101000000001'}, 409, 'not-allowed'],
	])('answers %s with the session refusal and the CGI status', async (_name, value, status, code) => {
		const {harness} = await start();
		const before = harness.store.getSnapshot();
		const response = await command(value);
		expect(response.status).toBe(status);
		expect(json(response)).toMatchObject({ok: false, code, message: expect.any(String)});
		expect(harness.store.getSnapshot()).toBe(before);
	});

	it.each([
		['an unknown type', {type: 'explode'}, 'command.type explode is not a command'],
		['no type', {number: '1'}, 'is not a command'],
		['a number as the dial number', {type: 'dial', number: 139}, 'command.number must be a phone number'],
		['letters in the dial number', {type: 'dial', number: '139abc'}, 'may hold only digits'],
		['a too long number', {type: 'dial', number: '1'.repeat(33)}, '1 to 32 digits'],
		['a newline in the dial number', {type: 'dial', number: '139\r\nAction: Originate'}, 'control characters'],
		['a NUL in the user', {type: 'login', user: '101\u0000', password: '101'}, 'control characters'],
		['a C1 control in the password', {type: 'login', user: '101', password: '10\u009b1'}, 'control characters'],
		['a line separator in the reason', {type: 'away', reason: 'lunch\u2028'}, 'command.reason'],
		['a reason that is not configured', {type: 'away', reason: 'nap'}, 'configured reasons'],
		['a control character in a note', {type: 'disposition', code: 'resolved', note: 'ok\nAction: x'}, 'control characters'],
		['a too long note', {type: 'disposition', code: 'resolved', note: 'x'.repeat(501)}, 'at most 500'],
		['an unknown wrap-up code', {type: 'disposition', code: 'lost', note: null}, 'configured wrap-up codes'],
		['a control character in a call id', {type: 'disposition', code: 'resolved', note: null, callId: '1\n2'}, 'control characters'],
		['a wrong transfer mode', {type: 'transfer', target: '2000', mode: 'warm'}, 'command.mode'],
		['a missing transfer target', {type: 'transfer', mode: 'blind'}, 'command.target'],
		['bad DTMF digits', {type: 'dtmf', digits: '12E'}, 'command.digits'],
		['an extra field', {type: 'ready', now: true}, 'unknown field: now'],
		['a string as the command', 'ready', 'command must be an object'],
		['an array as the command', [{type: 'ready'}], 'command must be an object'],
		['a user with spaces around', {type: 'login', user: ' 101', password: '101'}, 'leading or trailing spaces'],
	])('refuses %s with 400 and changes nothing', async (_name, value, message) => {
		const {harness} = await start();
		await loginReady(harness.store);
		const before = harness.store.getSnapshot();
		const response = await command(value);
		expect(response.status).toBe(400);
		const body = json(response);
		expect(body).toMatchObject({ok: false, code: 'bad-input'});
		expect(body['message']).toContain(message);
		expect(harness.store.getSnapshot()).toBe(before);
	});

	it.each([
		['not JSON', '{"command":', 400, 'bad-input'],
		['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]).toString('latin1'), 400, 'bad-input'],
		['extra top-level keys', JSON.stringify({command: {type: 'ready'}, as: 'root'}), 400, 'bad-input'],
		['no command', '{}', 400, 'bad-input'],
	])('refuses a body that is %s', async (_name, text, status, code) => {
		const {harness} = await start();
		const before = harness.store.getSnapshot();
		const response = await rawRequest(harness.port, '/api/command', {
			method: 'POST',
			headers: {'Content-Type': 'application/json; charset=utf-8'},
			body: text,
		});
		expect(response.status).toBe(status);
		expect(json(response)).toMatchObject({ok: false, code});
		expect(harness.store.getSnapshot()).toBe(before);
	});

	it('requires Content-Type: application/json (a cross-site form cannot send it)', async () => {
		const {harness} = await start();
		for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
			const response = await rawRequest(harness.port, '/api/command', {
				method: 'POST',
				headers: {'Content-Type': type},
				body: JSON.stringify({command: {type: 'login', user: '101', password: '101'}}),
			});
			expect(response.status).toBe(415);
		}
		expect(harness.store.getSnapshot().agent.state).toBe('logged-out');
	});

	it('refuses a body over 8 KiB with 413 and a query string with 400', async () => {
		const {harness} = await start();
		const big = await post('/api/command', {command: {type: 'ready'}, pad: 'x'.repeat(9000)});
		expect(big.status).toBe(413);
		const query = await rawRequest(harness.port, '/api/command?type=ready', {
			method: 'POST',
			headers: {'Content-Type': 'application/json'},
			body: JSON.stringify({command: {type: 'ready'}}),
		});
		expect(query.status).toBe(400);
	});
});

describe('browser requests', () => {
	it.each([
		['an allowed Origin', {Origin: crmOrigin}],
		['our own Origin', {Origin: 'http://localhost:PORT'}],
		['a Referer', {Referer: `${crmOrigin}/page`}],
		['Sec-Fetch-Site: none', {'Sec-Fetch-Site': 'none'}],
		['Sec-Fetch-Site: same-origin', {'Sec-Fetch-Site': 'same-origin'}],
		['Sec-Fetch-Mode: cors', {'Sec-Fetch-Mode': 'cors'}],
	])('refuses a command carrying %s with 403', async (_name, headers) => {
		const {harness} = await start();
		const filled = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, value.replace('PORT', String(harness.port))]));
		const response = await command({type: 'login', user: '101', password: '101'}, filled);
		expect(response.status).toBe(403);
		expect(json(response)).toMatchObject({ok: false, code: 'forbidden'});
		expect(harness.store.getSnapshot().agent.state).toBe('logged-out');
		const described = await rawRequest(harness.port, '/api/instance', {headers: filled});
		expect(described.status).toBe(403);
	});

	it('refuses a CORS preflight to /api even from an allowed origin', async () => {
		const {harness} = await start();
		const response = await rawRequest(harness.port, '/api/command', {
			method: 'OPTIONS',
			headers: {Origin: crmOrigin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type'},
		});
		expect(response.status).toBe(403);
		expect(response.headers['access-control-allow-origin']).toBeUndefined();
	});

	it('still applies the Host rule (DNS rebinding)', async () => {
		const {harness} = await start();
		const response = await rawRequest(harness.port, '/api/instance', {headers: {Host: 'evil.example'}});
		expect(response.status).toBe(403);
	});
});

describe('POST /api/shutdown and /api/open-link', () => {
	it('answers {ok: true} and then calls the shutdown hook with logout', async () => {
		const {calls} = await start();
		const response = await post('/api/shutdown', {logout: true});
		expect(response.status).toBe(200);
		expect(json(response)).toEqual({ok: true});
		await expect.poll(() => calls.shutdown).toEqual([true]);
		await post('/api/shutdown', {logout: false});
		await expect.poll(() => calls.shutdown).toEqual([true, false]);
	});

	it.each([[{}], [{logout: 'yes'}], [{logout: true, now: 1}], [[true]]])('refuses the shutdown body %j and does not stop', async (body) => {
		const {calls} = await start();
		const response = await post('/api/shutdown', body);
		expect(response.status).toBe(400);
		await post('/api/shutdown', {logout: false});
		await expect.poll(() => calls.shutdown).toEqual([false]);
	});

	it('opens http(s) links and refuses anything else', async () => {
		const {calls} = await start();
		expect((await post('/api/open-link', {url: 'https://crm.example.com/tickets?q=1'})).status).toBe(200);
		for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'ftp://x.example/', 'https://user:pw@crm.example.com/', '//evil.example', 'https://crm.example.com/\nx', 42]) {
			expect((await post('/api/open-link', {url})).status).toBe(400);
		}
		expect(calls.links).toEqual(['https://crm.example.com/tickets?q=1']);
	});
});

describe('a fault inside a route', () => {
	it('answers 500 with a pointer to the log, logs it, and keeps serving', async () => {
		const {harness} = await start(async () => {
			throw new Error('the launcher blew up');
		});
		const response = await post('/api/open-link', {url: 'https://crm.example.com/'});
		expect(response.status).toBe(500);
		expect(json(response)).toMatchObject({ok: false, code: 'internal', message: expect.stringMatching(/log file/)});
		expect(harness.activity.getEntries().at(-1)).toMatchObject({level: 'error', source: 'server', text: expect.stringMatching(/\/api\/open-link.*→ 500/)});
		// The next request is served as usual.
		expect((await rawRequest(harness.port, '/api/instance')).status).toBe(200);
	});
});

describe('other /api paths', () => {
	it('answers JSON 404 for an unknown route and 405 for a wrong method', async () => {
		const {harness} = await start();
		const missing = await rawRequest(harness.port, '/api/nope');
		expect(missing.status).toBe(404);
		expect(json(missing)).toMatchObject({ok: false, code: 'not-found'});
		const wrong = await rawRequest(harness.port, '/api/command');
		expect(wrong.status).toBe(405);
		expect(wrong.headers['allow']).toBe('POST');
	});
});
