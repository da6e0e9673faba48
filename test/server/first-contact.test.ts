// First contact from a CRM origin not allowed yet: a request that would change the desk asks the
// agent (answered here through the service, as the TUI does), and the page gets the answer. Over
// real HTTP against the real session and simulator.
import {afterEach, describe, expect, it} from 'vitest';
import WebSocket from 'ws';
import {loginReady, rawRequest, startHarness, type Harness, type RawResponse} from './server-harness.js';

const newCrm = 'https://new-crm.example.com';
const hostile = 'https://evil.example';

let h: Harness;
let stopShowing: (() => void) | null = null;
afterEach(async () => {
	stopShowing?.();
	stopShowing = null;
	await h.close();
});

/** As the TUI does: subscribing to the question is what makes the agent reachable. */
async function withTui(options: {timeoutMs?: number} = {}) {
	h = await startHarness({firstContact: options});
	stopShowing = h.originRequests!.subscribe(() => undefined);
	await loginReady(h.store);
	return h.originRequests!;
}

const dial = (origin: string, number = '139001'): Promise<RawResponse> =>
	rawRequest(h.port, `/cgi-bin/call.cgi?number=${number}&format=json`, {headers: {Origin: origin}});

/** The open question, once the server asked it. */
async function question() {
	await expect.poll(() => h.originRequests!.getSnapshot()).not.toBeNull();
	return h.originRequests!.getSnapshot()!;
}

const body = (response: RawResponse) => JSON.parse(response.body) as {ok: boolean; code: string; message: string};

describe('first contact from an origin not allowed yet', () => {
	it('without a TUI (headless) answers 403 with the fix, as before', async () => {
		h = await startHarness({firstContact: {}});
		await loginReady(h.store);
		const response = await dial(newCrm);
		expect(response.status).toBe(403);
		expect(body(response).message).toContain('add that origin to server.allowedOrigins');
		expect(h.store.getSnapshot().call).toBeNull();
	});

	it('allow once: runs this request only, and asks again next time', async () => {
		const requests = await withTui();
		const pending = dial(newCrm);
		const asked = await question();
		expect(asked).toMatchObject({origin: newCrm, verb: 'call.cgi'});
		expect(asked.expiresAt - asked.askedAt).toBe(30_000);
		expect(h.store.getSnapshot().call).toBeNull();
		requests.answer(asked.id, 'once');
		const response = await pending;
		expect(response.status).toBe(200);
		expect(h.store.getSnapshot().call).toMatchObject({number: '139001'});
		expect(requests.getSnapshot()).toBeNull();
		await h.store.run({type: 'hangup'});
		const again = dial(newCrm);
		requests.answer((await question()).id, 'deny');
		expect((await again).status).toBe(403);
	});

	it("allow once also lets the request go back to the page's own origin (login.cgi?url=)", async () => {
		const requests = await withTui();
		await h.store.run({type: 'logout'});
		const page = `${newCrm}/after-login?x=1`;
		const pending = rawRequest(h.port, `/cgi-bin/login.cgi?user=101&pass=101&url=${encodeURIComponent(page)}`, {headers: {Origin: newCrm}});
		const asked = await question();
		expect(asked.verb).toBe('login.cgi');
		requests.answer(asked.id, 'once');
		const response = await pending;
		expect(response.status).toBe(302);
		expect(response.headers['location']).toBe(page);
		// Another origin as url= is still refused: the grant is for the page's own origin only.
		await h.store.run({type: 'logout'});
		const elsewhere = rawRequest(h.port, `/cgi-bin/login.cgi?user=101&pass=101&url=${encodeURIComponent('https://evil.example/')}`, {headers: {Origin: newCrm}});
		requests.answer((await question()).id, 'once');
		expect((await elsewhere).status).toBe(400);
		expect(h.store.getSnapshot().agent.state).toBe('logged-out');
	});

	it('allow always: runs it and allows the origin from then on, with CORS', async () => {
		const requests = await withTui();
		const pending = dial(newCrm);
		requests.answer((await question()).id, 'always');
		expect((await pending).status).toBe(200);
		expect(h.currentConfig().server.allowedOrigins).toContain(newCrm);
		await h.store.run({type: 'hangup'});
		const next = await dial(newCrm);
		expect(next.status).toBe(200);
		expect(next.headers['access-control-allow-origin']).toBe(newCrm);
		expect(requests.getSnapshot()).toBeNull();
	});

	it('deny: a clear refusal, and the origin is not asked about again until restart', async () => {
		const requests = await withTui();
		const before = h.store.getSnapshot();
		const pending = dial(newCrm);
		requests.answer((await question()).id, 'deny');
		const response = await pending;
		expect(response.status).toBe(403);
		expect(body(response).message).toContain('The agent refused requests from https://new-crm.example.com');
		const later = await dial(newCrm);
		expect(later.status).toBe(403);
		expect(body(later).message).toContain('refused');
		expect(requests.getSnapshot()).toBeNull();
		expect(h.store.getSnapshot()).toBe(before);
	});

	it('time-out: after 30 s without an answer the page gets a clear refusal and nothing runs', async () => {
		await withTui();
		const before = h.store.getSnapshot();
		const pending = dial(newCrm);
		await question();
		h.clock.advance(29_999);
		expect(h.originRequests!.getSnapshot()).not.toBeNull();
		h.clock.advance(1);
		const response = await pending;
		expect(response.status).toBe(403);
		expect(body(response).message).toContain('did not answer within 30 s');
		expect(h.store.getSnapshot()).toBe(before);
		expect(h.originRequests!.getSnapshot()).toBeNull();
	});

	it('a hostile page spamming 200 requests with the question open dials nothing', async () => {
		const requests = await withTui();
		const before = h.store.getSnapshot();
		const first = dial(hostile);
		const asked = await question();
		const spam = await Promise.all(Array.from({length: 200}, (_, index) => dial(hostile, `13900${String(index).padStart(4, '0')}`)));
		expect(spam.every((response) => response.status === 403)).toBe(true);
		expect(body(spam[0]!).message).toContain('Another request is waiting for the agent');
		// Still the one question, still nothing dialled.
		expect(requests.getSnapshot()).toBe(asked);
		expect(h.store.getSnapshot()).toBe(before);
		requests.answer(asked.id, 'deny');
		expect((await first).status).toBe(403);
		// Denied: further spam is refused at once, without a question.
		const after = await Promise.all(Array.from({length: 20}, () => dial(hostile)));
		expect(after.every((response) => response.status === 403)).toBe(true);
		expect(requests.getSnapshot()).toBeNull();
		expect(h.store.getSnapshot()).toBe(before);
	});

	it('never asks for a request that only reads (status.cgi) or hides its origin', async () => {
		await withTui();
		const status = await rawRequest(h.port, '/cgi-bin/status.cgi?format=json', {headers: {Origin: newCrm}});
		expect(status.status).toBe(403);
		const hidden = await rawRequest(h.port, '/cgi-bin/call.cgi?number=139001&format=json', {headers: {'Sec-Fetch-Site': 'cross-site'}});
		expect(hidden.status).toBe(403);
		const prefetch = await rawRequest(h.port, '/cgi-bin/call.cgi?number=139001&format=json', {headers: {Origin: newCrm, 'Sec-Purpose': 'prefetch'}});
		expect(prefetch.status).toBe(403);
		expect(h.originRequests!.getSnapshot()).toBeNull();
		expect(h.store.getSnapshot().call).toBeNull();
	});

	it('ignores an answer to a question that is no longer open', async () => {
		const requests = await withTui();
		const pending = dial(newCrm);
		const asked = await question();
		requests.answer('not-this-one', 'always');
		expect(requests.getSnapshot()).toBe(asked);
		requests.answer(asked.id, 'deny');
		expect((await pending).status).toBe(403);
		requests.answer(asked.id, 'always');
		expect(h.currentConfig().server.allowedOrigins).not.toContain(newCrm);
	});

	it('an attached TUI (ctidesk attach) is asked over the event stream and answers over /api; a page cannot answer', async () => {
		h = await startHarness({firstContact: {}});
		await loginReady(h.store);
		const questions: Array<{id: string; origin: string; verb: string} | null> = [];
		const tui = new WebSocket(`ws://127.0.0.1:${h.port}/events`);
		tui.on('message', (data: Buffer) => {
			const message = JSON.parse(data.toString('utf8')) as {type: string; request?: {id: string; origin: string; verb: string} | null};
			if (message.type === 'origin-request') questions.push(message.request ?? null);
		});
		await new Promise((resolve) => tui.once('open', resolve));
		await expect.poll(() => questions.length).toBeGreaterThan(0);
		const pending = dial(newCrm);
		await expect.poll(() => questions.at(-1)?.origin).toBe(newCrm);
		const {id} = questions.at(-1)!;
		const answer = (headers: Record<string, string> = {}) =>
			rawRequest(h.port, '/api/origin-answer', {
				method: 'POST',
				headers: {'Content-Type': 'application/json', Accept: 'application/json', ...headers},
				body: JSON.stringify({id, answer: 'once'}),
			});
		// The page itself (or any web page) cannot answer its own question.
		expect((await answer({Origin: newCrm})).status).toBe(403);
		expect(h.originRequests!.getSnapshot()).not.toBeNull();
		expect((await answer()).status).toBe(200);
		expect((await pending).status).toBe(200);
		expect(h.store.getSnapshot().call).toMatchObject({number: '139001'});
		await expect.poll(() => questions.at(-1)).toBeNull();
		tui.close();
		await new Promise((resolve) => tui.once('close', resolve));
		// Nobody attached any more: headless again, the 403 with the fix.
		await expect.poll(() => h.activity.getEntries().some((entry) => entry.text.startsWith('WebSocket client disconnected'))).toBe(true);
		await h.store.run({type: 'hangup'});
		expect((await dial('https://other-crm.example.com')).status).toBe(403);
		expect(h.originRequests!.getSnapshot()).toBeNull();
	});
});
