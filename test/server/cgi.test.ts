// Every route of the local API through real HTTP (fetch), over the real session and simulator.
import {connect} from 'node:net';
import {text} from 'node:stream/consumers';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {hashPassword, loginToken} from '../../source/config/password.js';
import {toStatusJson} from '../../source/core/status.js';
import {crmOrigin, loginReady, rawRequest, startHarness, testConfig, type Harness} from './server-harness.js';

let h: Harness;

const get = (path: string, init: RequestInit = {}) => fetch(`${h.base}${path}`, {redirect: 'manual', ...init});
const getJson = async (path: string) => {
	const response = await get(path, {headers: {Accept: 'application/json'}});
	return {status: response.status, body: (await response.json()) as Record<string, unknown>};
};
const crmPage = `${crmOrigin}/calls/42?tab=notes`;

describe('login.cgi', () => {
	beforeEach(async () => {
		const config = testConfig();
		config.agents.push({user: '102', password: hashPassword('secret-102'), agentId: '2', empId: '002', groups: ['1']});
		h = await startHarness({config});
	});
	afterEach(() => h.close());

	it('authenticates, logs the agent in and redirects the browser to url', async () => {
		const response = await get(`/cgi-bin/login.cgi?user=101&pass=101&url=${encodeURIComponent(crmPage)}`);
		expect(response.status).toBe(302);
		expect(response.headers.get('location')).toBe(crmPage);
		const agent = h.store.getSnapshot().agent;
		expect(agent.identity?.user).toBe('101');
		expect(agent.state).toBe('not-ready');
		expect(agent.sid).toMatch(/^[0-9A-F]{32}$/);
	});

	it('accepts the documented login token as pass', async () => {
		const entry = h.config.agents[0]!;
		const token = loginToken(entry.user, entry.password);
		const response = await get(`/cgi-bin/login.cgi?user=101&pass=${token}&url=${encodeURIComponent(crmPage)}`);
		expect(response.status).toBe(302);
		expect(h.store.getSnapshot().agent.identity?.user).toBe('101');
	});

	it('refuses wrong credentials with 401 and changes nothing', async () => {
		const before = h.store.getSnapshot();
		const response = await get(`/cgi-bin/login.cgi?user=101&pass=wrong&url=${encodeURIComponent(crmPage)}`);
		expect(response.status).toBe(401);
		expect(response.headers.get('content-type')).toMatch(/text\/html/);
		expect(await response.text()).toContain('Wrong user or password.');
		expect(h.store.getSnapshot()).toBe(before);
	});

	it('refuses an unknown user with 401', async () => {
		const response = await get('/cgi-bin/login.cgi?user=999&pass=101');
		expect(response.status).toBe(401);
		expect(h.store.getSnapshot().agent.state).toBe('logged-out');
	});

	it('only redirects when the same agent is already logged in with the right secret', async () => {
		await loginReady(h.store);
		const before = h.store.getSnapshot();
		const again = await get(`/cgi-bin/login.cgi?user=101&pass=101&url=${encodeURIComponent(crmPage)}`);
		expect(again.status).toBe(302);
		expect(again.headers.get('location')).toBe(crmPage);
		expect(h.store.getSnapshot()).toBe(before);
		const wrong = await get(`/cgi-bin/login.cgi?user=101&pass=nope&url=${encodeURIComponent(crmPage)}`);
		expect(wrong.status).toBe(401);
		expect(h.store.getSnapshot()).toBe(before);
	});

	it('refuses with 409 when another agent is logged in, and 401 before that when the secret is wrong', async () => {
		await loginReady(h.store);
		const before = h.store.getSnapshot();
		const other = await getJson('/cgi-bin/login.cgi?user=102&pass=secret-102');
		expect(other).toEqual({status: 409, body: {ok: false, code: 'not-allowed', message: 'Agent 101 is logged in on this desk: log out first.'}});
		const otherWrong = await getJson('/cgi-bin/login.cgi?user=102&pass=101');
		expect(otherWrong.status).toBe(401);
		expect(h.store.getSnapshot()).toBe(before);
	});

	it('refuses a redirect to an origin that is not allowed and does not log in', async () => {
		const response = await get(`/cgi-bin/login.cgi?user=101&pass=101&url=${encodeURIComponent('https://evil.example/x')}`);
		expect(response.status).toBe(400);
		expect(await response.text()).toContain('server.allowedOrigins');
		expect(h.store.getSnapshot().agent.state).toBe('logged-out');
	});

	it('answers 503 when the PBX is down and changes nothing else', async () => {
		await h.store.stop();
		const response = await getJson('/cgi-bin/login.cgi?user=101&pass=101');
		expect(response.status).toBe(503);
		expect(response.body).toMatchObject({ok: false, code: 'pbx-unavailable'});
		expect(h.store.getSnapshot().agent.state).toBe('logged-out');
	});

	it('shows the self-closing page when there is no url', async () => {
		const response = await get('/cgi-bin/login.cgi?user=101&pass=101');
		expect(response.status).toBe(200);
		expect(await response.text()).toContain('Logged in as 101');
	});

	it('refuses missing parameters with 400', async () => {
		expect((await getJson('/cgi-bin/login.cgi?user=101')).status).toBe(400);
		expect((await getJson('/cgi-bin/login.cgi?pass=101')).status).toBe(400);
	});
});

describe('call.cgi', () => {
	beforeEach(async () => {
		h = await startHarness();
	});
	afterEach(() => h.close());

	it('dials and answers a page that closes its own window, saying what happened if it cannot', async () => {
		await loginReady(h.store);
		const response = await get('/cgi-bin/call.cgi?number=139001');
		expect(response.status).toBe(200);
		const html = await response.text();
		expect(html).toContain('<script>window.close();</script>');
		expect(html).toContain('Calling 139001…');
		expect(html).toContain('You can close this window.');
		const csp = response.headers.get('content-security-policy') ?? '';
		expect(csp).toContain("default-src 'none'");
		expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
		expect(csp).not.toContain('unsafe-inline');
		const call = h.store.getSnapshot().call;
		expect(call).toMatchObject({number: '139001', origin: 2, state: 'dialing'});
	});

	it('redirects to url on success', async () => {
		await loginReady(h.store);
		const response = await get(`/cgi-bin/call.cgi?number=139001&url=${encodeURIComponent(crmPage)}`);
		expect(response.status).toBe(302);
		expect(response.headers.get('location')).toBe(crmPage);
		expect(h.store.getSnapshot().agent.state).toBe('dialing');
	});

	it('strips spaces, dashes, dots and parentheses from the number', async () => {
		await loginReady(h.store);
		const response = await get(`/cgi-bin/call.cgi?number=${encodeURIComponent('+86 (10) 5555-12.34')}`);
		expect(response.status).toBe(200);
		expect(h.store.getSnapshot().call?.number).toBe('+861055551234');
	});

	it('answers JSON for Accept: application/json and for format=json', async () => {
		await loginReady(h.store);
		const first = await getJson('/cgi-bin/call.cgi?number=139001');
		expect(first.status).toBe(200);
		expect(first.body).toMatchObject({ok: true, code: 'ok', message: 'Calling 139001…'});
		const second = await get('/cgi-bin/call.cgi?number=139002&format=json');
		expect(second.headers.get('content-type')).toMatch(/application\/json/);
		expect(await second.json()).toEqual({ok: false, code: 'not-allowed', message: 'Cannot dial while a call is up.'});
		expect(second.status).toBe(409);
	});

	it('keeps an error page open with the right status when the session refuses', async () => {
		const response = await get('/cgi-bin/call.cgi?number=139001');
		expect(response.status).toBe(409);
		const html = await response.text();
		expect(html).toContain('Log in before dialling.');
		expect(html).not.toContain('window.close');
	});

	it('refuses a malformed number with 400 before it reaches the session', async () => {
		await loginReady(h.store);
		const before = h.store.getSnapshot();
		for (const number of ['', 'abc', '12a3', '1+2', '1'.repeat(33), '--', '12;34']) {
			const response = await getJson(`/cgi-bin/call.cgi?number=${encodeURIComponent(number)}`);
			expect(response, number).toMatchObject({status: 400, body: {ok: false, code: 'bad-input'}});
		}
		expect(h.store.getSnapshot()).toBe(before);
	});

	it('takes the same parameters as an urlencoded POST body', async () => {
		await loginReady(h.store);
		const response = await get('/cgi-bin/call.cgi', {
			method: 'POST',
			headers: {'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json'},
			body: new URLSearchParams({number: '139001'}).toString(),
		});
		expect(response.status).toBe(200);
		expect(h.store.getSnapshot().call?.number).toBe('139001');
	});

	it('refuses a POST body that is not a form (415), too large (413) or repeats a query parameter (400)', async () => {
		await loginReady(h.store);
		const post = (body: string, type: string, query = '') =>
			get(`/cgi-bin/call.cgi${query}`, {method: 'POST', headers: {'Content-Type': type}, body});
		expect((await post('{"number":"1"}', 'application/json')).status).toBe(415);
		expect((await post(`number=1&x=${'a'.repeat(9000)}`, 'application/x-www-form-urlencoded')).status).toBe(413);
		expect((await post('number=139001', 'application/x-www-form-urlencoded', '?number=139002')).status).toBe(400);
		expect(h.store.getSnapshot().call).toBeNull();
	});
});

describe('transfer.cgi', () => {
	beforeEach(async () => {
		h = await startHarness();
		await loginReady(h.store);
	});
	afterEach(() => h.close());

	async function talking() {
		await h.store.run({type: 'dial', number: '139001'});
		h.clock.advance(3000); // the simulated far end answers after 3 s
		expect(h.store.getSnapshot().agent.state).toBe('talking');
	}

	it('blind-transfers the current call by default and redirects to url', async () => {
		await talking();
		const response = await get(`/cgi-bin/transfer.cgi?number=2001&url=${encodeURIComponent(crmPage)}`);
		expect(response.status).toBe(302);
		const last = h.store.getSnapshot().recentCalls[0];
		expect(last).toMatchObject({transferTarget: '2001', transferMode: 'blind', endCause: 'transferred'});
	});

	it('starts a consult transfer with mode=consult', async () => {
		await talking();
		const response = await getJson('/cgi-bin/transfer.cgi?number=2001&mode=consult');
		expect(response).toMatchObject({status: 200, body: {ok: true, message: 'Consulting 2001…'}});
		expect(h.store.getSnapshot().call?.consult?.target).toBe('2001');
	});

	it('refuses an unknown mode with 400 and no call with 409', async () => {
		await talking();
		expect((await getJson('/cgi-bin/transfer.cgi?number=2001&mode=warm')).status).toBe(400);
		expect(h.store.getSnapshot().agent.state).toBe('talking');
		await h.store.run({type: 'hangup'});
		const response = await get('/cgi-bin/transfer.cgi?number=2001');
		expect(response.status).toBe(409);
		expect(await response.text()).toContain('There is no answered call to transfer.');
	});
});

describe('transfer.cgi?action= (finishing a consult)', () => {
	beforeEach(async () => {
		h = await startHarness();
		await loginReady(h.store);
	});
	afterEach(() => h.close());

	/** Talking to 139001, then consulting 2001 who answers after 3 s (the simulator's table). */
	async function consulting({answered = true} = {}) {
		await h.store.run({type: 'dial', number: '139001'});
		h.clock.advance(3000);
		expect((await getJson('/cgi-bin/transfer.cgi?number=2001&mode=consult')).status).toBe(200);
		if (answered) h.clock.advance(3000);
		expect(h.store.getSnapshot().call?.consult).toMatchObject({target: '2001', state: answered ? 'talking' : 'dialing'});
	}

	it('action=complete hands the customer to the consulted party', async () => {
		await consulting();
		const response = await getJson('/cgi-bin/transfer.cgi?action=complete');
		expect(response).toMatchObject({status: 200, body: {ok: true, message: 'Transferred to 2001'}});
		expect(h.store.getSnapshot().call).toBeNull();
		expect(h.store.getSnapshot().recentCalls[0]).toMatchObject({transferTarget: '2001', transferMode: 'consult', endCause: 'transferred'});
	});

	it('action=cancel ends the consult leg and returns to the customer, also as a page with url=', async () => {
		await consulting();
		const response = await get(`/cgi-bin/transfer.cgi?action=cancel&url=${encodeURIComponent(crmPage)}`);
		expect(response.status).toBe(302);
		const call = h.store.getSnapshot().call;
		expect(call).toMatchObject({number: '139001', consult: null, state: 'talking'});
	});

	it('action=conference makes a three-way call', async () => {
		await consulting();
		const response = await getJson('/cgi-bin/transfer.cgi?action=conference');
		expect(response).toMatchObject({status: 200, body: {ok: true, message: 'Three-way call with 2001'}});
		expect(h.store.getSnapshot().call).toMatchObject({conferenceWith: '2001', consult: null});
		expect((await getJson('/cgi-bin/status.cgi')).body).toMatchObject({call: {conferenced: true, consult: null, held: false}});
	});

	it.each(['complete', 'cancel', 'conference'])('refuses action=%s with 409 when there is no consult, changing nothing', async (verb) => {
		await h.store.run({type: 'dial', number: '139001'});
		h.clock.advance(3000);
		const before = h.store.getSnapshot();
		const response = await get(`/cgi-bin/transfer.cgi?action=${verb}`);
		expect(response.status).toBe(409);
		expect(await response.text()).toMatch(/consult/i);
		expect(h.store.getSnapshot()).toBe(before);
	});

	it('refuses to complete or conference before the consulted party answered, and cancels a ringing consult', async () => {
		await consulting({answered: false});
		expect((await getJson('/cgi-bin/transfer.cgi?action=complete')).status).toBe(409);
		expect((await getJson('/cgi-bin/transfer.cgi?action=conference')).status).toBe(409);
		expect(h.store.getSnapshot().call?.consult?.target).toBe('2001');
		expect((await getJson('/cgi-bin/transfer.cgi?action=cancel')).status).toBe(200);
		expect(h.store.getSnapshot().call).toMatchObject({number: '139001', consult: null});
	});

	it('refuses an unknown action, or an action with number or mode, with 400 before the session sees it', async () => {
		await consulting();
		const before = h.store.getSnapshot();
		for (const query of ['action=merge', 'action=complete&number=2002', 'action=cancel&mode=blind', 'action=COMPLETE']) {
			const response = await getJson(`/cgi-bin/transfer.cgi?${query}`);
			expect(response, query).toMatchObject({status: 400, body: {ok: false, code: 'bad-input'}});
		}
		expect(h.store.getSnapshot()).toBe(before);
	});

	it('hangup.cgi during a consult ends the consult leg only: the held customer is never dropped', async () => {
		await consulting();
		const response = await getJson('/cgi-bin/hangup.cgi');
		expect(response).toMatchObject({status: 200, body: {ok: true, message: 'Consult ended: back with the customer'}});
		expect(h.store.getSnapshot().call).toMatchObject({number: '139001', consult: null, state: 'talking'});
		expect(h.store.getSnapshot().recentCalls).toHaveLength(0);
		// A second hangup ends the call with the customer, as always.
		expect((await getJson('/cgi-bin/hangup.cgi')).body).toMatchObject({ok: true, message: 'Hung up'});
		expect(h.store.getSnapshot().call).toBeNull();
	});

	it('status.cgi and its page show the consult, then hold and mute', async () => {
		await consulting({answered: false});
		const ringing = await getJson('/cgi-bin/status.cgi');
		expect(ringing.body).toMatchObject({call: {number: '139001', held: true, muted: false, consult: {target: '2001', state: 'dialing'}, conferenced: false}});
		h.clock.advance(3000);
		expect((await getJson('/cgi-bin/status.cgi')).body).toMatchObject({call: {held: true, consult: {target: '2001', state: 'talking'}}});
		const page = await (await get('/cgi-bin/status.cgi')).text();
		expect(page).toContain('2001 (talking)');
		await getJson('/cgi-bin/transfer.cgi?action=cancel');
		expect((await getJson('/cgi-bin/status.cgi')).body).toMatchObject({call: {held: false, consult: null}});
		await getJson('/cgi-bin/hold.cgi?on=1');
		expect((await getJson('/cgi-bin/status.cgi')).body).toMatchObject({call: {held: true, muted: false, consult: null}});
		await getJson('/cgi-bin/hold.cgi?on=0');
		expect((await h.store.run({type: 'mute'})).ok).toBe(true);
		const muted = await getJson('/cgi-bin/status.cgi');
		expect(muted.body).toMatchObject({call: {held: false, muted: true}});
		expect(muted.body).toEqual(toStatusJson(h.store.getSnapshot()));
	});
});

describe('agent routes', () => {
	beforeEach(async () => {
		h = await startHarness();
	});
	afterEach(() => h.close());

	it('ready.cgi, away.cgi and logout.cgi move the agent', async () => {
		await h.store.run({type: 'login', user: '101', password: '101'});
		expect((await getJson('/cgi-bin/ready.cgi')).body).toMatchObject({ok: true, message: 'Ready'});
		expect(h.store.getSnapshot().agent.state).toBe('ready');
		expect((await getJson('/cgi-bin/ready.cgi')).status).toBe(409);
		expect((await getJson('/cgi-bin/away.cgi?reason=lunch')).body).toMatchObject({ok: true, message: 'Not ready (lunch)'});
		expect(h.store.getSnapshot().agent).toMatchObject({state: 'not-ready', reason: 'lunch'});
		const logout = await get(`/cgi-bin/logout.cgi?url=${encodeURIComponent(crmPage)}`);
		expect(logout.status).toBe(302);
		expect(h.store.getSnapshot().agent.state).toBe('logged-out');
		expect((await getJson('/cgi-bin/logout.cgi')).status).toBe(409);
	});

	it('away.cgi takes only a configured reason', async () => {
		await loginReady(h.store);
		const before = h.store.getSnapshot();
		const unknown = await getJson('/cgi-bin/away.cgi?reason=napping');
		expect(unknown.status).toBe(400);
		expect(unknown.body['message']).toContain('break, lunch, meeting, training');
		expect((await getJson('/cgi-bin/away.cgi')).status).toBe(400);
		expect((await getJson(`/cgi-bin/away.cgi?reason=${'x'.repeat(65)}`)).status).toBe(400);
		expect(h.store.getSnapshot()).toBe(before);
	});

	it('answer.cgi picks up a ringing call, hold.cgi toggles and takes on=1/0, hangup.cgi ends it', async () => {
		await loginReady(h.store);
		expect((await getJson('/cgi-bin/answer.cgi')).status).toBe(409);
		await h.store.run({type: 'inject-call'});
		expect(h.store.getSnapshot().agent.state).toBe('ringing');
		expect((await getJson('/cgi-bin/answer.cgi')).body).toMatchObject({ok: true, message: 'Answered'});
		expect(h.store.getSnapshot().agent.state).toBe('talking');
		expect((await getJson('/cgi-bin/hold.cgi')).body).toMatchObject({ok: true, message: 'Call on hold'});
		expect(h.store.getSnapshot().agent.state).toBe('held');
		expect((await getJson('/cgi-bin/hold.cgi')).body).toMatchObject({ok: true, message: 'Call resumed'});
		expect(h.store.getSnapshot().agent.state).toBe('talking');
		expect((await getJson('/cgi-bin/hold.cgi?on=1')).status).toBe(200);
		expect((await getJson('/cgi-bin/hold.cgi?on=1')).status).toBe(409);
		expect((await getJson('/cgi-bin/hold.cgi?on=2')).status).toBe(400);
		expect((await getJson('/cgi-bin/hold.cgi?on=0')).status).toBe(200);
		expect(h.store.getSnapshot().agent.state).toBe('talking');
		const hangup = await get('/cgi-bin/hangup.cgi');
		expect(hangup.status).toBe(200);
		expect(await hangup.text()).toContain('Hung up');
		expect(h.store.getSnapshot().call).toBeNull();
		expect((await getJson('/cgi-bin/hangup.cgi')).status).toBe(409);
	});

	it('status.cgi answers the status JSON, and a readable page to a browser', async () => {
		await loginReady(h.store);
		await h.store.run({type: 'dial', number: '139001'});
		const json = await getJson('/cgi-bin/status.cgi');
		expect(json.status).toBe(200);
		expect(json.body).toEqual(toStatusJson(h.store.getSnapshot()));
		expect(json.body).toMatchObject({agent: {state: 'dialing', user: '101'}, call: {number: '139001'}});
		const html = await (await get('/cgi-bin/status.cgi')).text();
		expect(html).toContain('dialing');
		expect(html).toContain('139001');
		const post = await get('/cgi-bin/status.cgi?format=json', {method: 'POST'});
		expect(await post.json()).toEqual(toStatusJson(h.store.getSnapshot()));
	});

	it('answers 404 for unknown paths and 405 for other methods', async () => {
		const missing = await getJson('/cgi-bin/nope.cgi');
		expect(missing).toMatchObject({status: 404, body: {ok: false, code: 'not-found'}});
		const put = await get('/cgi-bin/ready.cgi', {method: 'PUT'});
		expect(put.status).toBe(405);
		expect(put.headers.get('allow')).toBe('GET, POST, OPTIONS');
		const head = await get('/cgi-bin/call.cgi?number=1', {method: 'HEAD'});
		expect(head.status).toBe(405);
	});

	it('puts every request and its outcome in the Events tab', async () => {
		await getJson('/cgi-bin/ready.cgi');
		await getJson('/cgi-bin/call.cgi?number=139001&url=');
		const texts = h.activity.getEntries().filter((entry) => entry.source === 'server').map((entry) => entry.text);
		expect(texts).toContain('/cgi-bin/ready.cgi → 409 Cannot go ready while logged out.');
		expect(texts).toContain('/cgi-bin/call.cgi?number=139001&url= → 409 Log in before dialling.');
	});
});

describe('routing', () => {
	beforeEach(async () => {
		h = await startHarness();
	});
	afterEach(() => h.close());

	const statusOf = async (path: string) => (await rawRequest(h.port, path, {headers: {Accept: 'application/json'}})).status;

	it('matches as CRM links were always served: any ASCII case, one optional trailing slash', async () => {
		for (const path of ['/cgi-bin/status.cgi', '/CGI-BIN/Status.CGI', '/cgi-bin/status.cgi/']) {
			expect(await statusOf(path), path).toBe(200);
		}
	});

	it('answers 404 for anything else: extra slashes, escapes, look-alike paths', async () => {
		for (const path of [
			'/cgi-bin/status.cgi//',
			'//cgi-bin/status.cgi',
			'/cgi-bin//status.cgi',
			'/cgi-bin/st%61tus.cgi',
			'/cgi-bin/status%2Ecgi',
			'/cgi-bin/status.cgi;x',
			'/cgi-bin/./status.cgi',
			'/cgi-bin/status.cgi/x',
			'/cgi-bin/',
			'/cgi-bin',
			'/',
		]) {
			expect(await statusOf(path), path).toBe(404);
		}
	});

	it('does not fold a non-ASCII look-alike into a route name (the Kelvin sign is not k)', async () => {
		const socket = connect(h.port, '127.0.0.1');
		socket.end(Buffer.from(`GET /cgi-bin/\u212Aall.cgi?number=1 HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nConnection: close\r\n\r\n`, 'utf8'));
		const status = (await text(socket)).split('\r\n')[0];
		expect(status).toMatch(/^HTTP\/1\.1 (400|404) /);
	});
});
