import {readFileSync} from 'node:fs';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {createCookieJar} from '../../source/pops/cookie-jar.js';
import {createOutbox, type Outbox, type OutboxOptions, type OutboxSettlement, type OutboxSnapshot} from '../../source/pops/outbox.js';
import {createFakeClock, type FakeClock} from '../helpers/fake-clock.js';
import {answerOk, startFakeCrm, type FakeCrm} from './fake-crm.js';

let dir: string;
let crm: FakeCrm;
let clock: FakeClock;
const outboxes: Outbox[] = [];

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'ctidesk-outbox-'));
	crm = await startFakeCrm();
	clock = createFakeClock();
});

afterEach(async () => {
	for (const outbox of outboxes.splice(0)) await outbox.close();
	await crm.close();
	await rm(dir, {recursive: true, force: true});
});

async function open(options: Partial<OutboxOptions> = {}): Promise<Outbox & {settled: OutboxSettlement[]}> {
	const outbox = await createOutbox({dir, clock, backoff: {initialMs: 100, maxMs: 1000}, timeoutMs: 5000, ...options});
	outboxes.push(outbox);
	const settled: OutboxSettlement[] = [];
	outbox.onSettled((settlement) => settled.push(settlement));
	return Object.assign(outbox, {settled});
}

/** Resolves once the outbox's snapshot satisfies `predicate` (checked now and on every change). */
function until(outbox: Outbox, predicate: (snapshot: OutboxSnapshot) => boolean): Promise<OutboxSnapshot> {
	return new Promise((resolve) => {
		if (predicate(outbox.getSnapshot())) {
			resolve(outbox.getSnapshot());
			return;
		}
		const off = outbox.subscribe(() => {
			if (!predicate(outbox.getSnapshot())) return;
			off();
			resolve(outbox.getSnapshot());
		});
	});
}

const drained = (snapshot: OutboxSnapshot) => snapshot.pending === 0;
const waitingForRetry = (snapshot: OutboxSnapshot) => snapshot.nextRetryAt !== null;

function pop(kind: string, callId: string | null, path = `/${kind}`) {
	return {kind, callId, url: `${crm.origin}${path}?callid=${callId ?? ''}`};
}

function logLines(): Array<Record<string, unknown>> {
	return readFileSync(join(dir, 'outbox.log'), 'utf8')
		.split('\n')
		.filter((line) => line !== '')
		.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('delivery', () => {
	it('writes the item to disk before the request goes out, and records done after the 2xx', async () => {
		const outbox = await open();
		let onDiskWhenSent = false;
		crm.handle = (request, response) => {
			// The CRM receiving the request is the proof it was sent; the add line must already be there.
			onDiskWhenSent = readFileSync(join(dir, 'outbox.log'), 'utf8').includes(request.path);
			answerOk(request, response);
		};
		const item = await outbox.enqueue(pop('ring', 'C1'));
		expect(logLines()).toContainEqual(expect.objectContaining({op: 'add', id: item.id, kind: 'ring', callId: 'C1'}));
		await until(outbox, drained);
		expect(onDiskWhenSent).toBe(true);
		expect(logLines()).toContainEqual(expect.objectContaining({op: 'done', id: item.id, status: 200}));
		expect(outbox.settled).toEqual([{item, outcome: 'delivered', status: 200}]);
		expect(crm.requests.map((request) => request.path)).toEqual(['/ring']);
	});

	it('retries while the CRM is down (connection refused) and delivers once it is back', async () => {
		const outbox = await open();
		await crm.stop();
		await outbox.enqueue(pop('hangup', 'C1'));
		const waiting = await until(outbox, waitingForRetry);
		expect(waiting.pending).toBe(1);
		expect(waiting.lastError).toMatch(/connection refused/);
		expect(waiting.nextRetryAt! - clock.now()).toBe(100);
		// Still down at the first retry: the delay doubles.
		clock.advance(100);
		await until(outbox, (snapshot) => snapshot.nextRetryAt !== null && snapshot.nextRetryAt - clock.now() === 200);
		await crm.start();
		clock.advance(200);
		const done = await until(outbox, drained);
		expect(done.lastError).toBeNull();
		expect(crm.requests.map((request) => request.path)).toEqual(['/hangup']);
	});

	it('retries 5xx with capped exponential backoff, then delivers on the 2xx', async () => {
		const outbox = await open({backoff: {initialMs: 100, maxMs: 300}});
		let failures = 4;
		crm.handle = (request, response) => {
			if (failures-- > 0) {
				response.writeHead(503).end('down for maintenance');
				return;
			}
			answerOk(request, response);
		};
		await outbox.enqueue(pop('ring', 'C1'));
		const delays: number[] = [];
		for (let attempt = 0; attempt < 4; attempt++) {
			const snapshot = await until(outbox, waitingForRetry);
			expect(snapshot.lastError).toMatch(/HTTP 503/);
			delays.push(snapshot.nextRetryAt! - clock.now());
			clock.advance(snapshot.nextRetryAt! - clock.now());
		}
		await until(outbox, drained);
		expect(delays).toEqual([100, 200, 300, 300]);
		expect(crm.requests).toHaveLength(5);
	});

	it('honours Retry-After on 429 (capped by maxMs)', async () => {
		const outbox = await open({backoff: {initialMs: 100, maxMs: 5000}});
		let first = true;
		crm.handle = (request, response) => {
			if (first) {
				first = false;
				response.writeHead(429, {'retry-after': '2'}).end();
				return;
			}
			answerOk(request, response);
		};
		await outbox.enqueue(pop('ring', 'C1'));
		const snapshot = await until(outbox, waitingForRetry);
		expect(snapshot.nextRetryAt! - clock.now()).toBe(2000);
		clock.advance(2000);
		await until(outbox, drained);
		expect(crm.requests).toHaveLength(2);
	});

	it('gives up on a 4xx: recorded as failed, visible, not retried, and not resent after a restart', async () => {
		const outbox = await open();
		crm.handle = (_request, response) => response.writeHead(404).end('no such page');
		const item = await outbox.enqueue(pop('answer', 'C1'));
		const snapshot = await until(outbox, drained);
		expect(snapshot.failed).toEqual([expect.objectContaining({id: item.id, kind: 'answer', reason: 'HTTP 404'})]);
		expect(outbox.settled).toEqual([{item, outcome: 'failed', status: 404, reason: 'HTTP 404'}]);
		clock.advance(60_000);
		expect(crm.requests).toHaveLength(1);
		await outbox.close();
		const again = await open();
		expect(again.getSnapshot()).toMatchObject({pending: 0, failed: [expect.objectContaining({id: item.id})]});
		clock.advance(60_000);
		expect(crm.requests).toHaveLength(1);
	});

	it('counts a 3xx as delivered and never follows the redirect', async () => {
		const outbox = await open();
		crm.handle = (request, response) => {
			if (request.path === '/ring') response.writeHead(302, {location: 'http://evil.invalid/steal'}).end();
			else answerOk(request, response);
		};
		await outbox.enqueue(pop('ring', 'C1'));
		await until(outbox, drained);
		expect(outbox.settled[0]).toMatchObject({outcome: 'delivered', status: 302});
		expect(crm.requests).toHaveLength(1);
	});

	it('times a request out on the clock and retries it', async () => {
		const outbox = await open({timeoutMs: 5000});
		let hold = true;
		crm.handle = (request, response) => {
			if (hold) {
				hold = false;
				return; // never answered
			}
			answerOk(request, response);
		};
		await outbox.enqueue(pop('ring', 'C1'));
		await crm.waitForRequests(1);
		clock.advance(5000);
		const snapshot = await until(outbox, waitingForRetry);
		expect(snapshot.lastError).toMatch(/no answer within 5000 ms/);
		clock.advance(100);
		await until(outbox, drained);
		expect(crm.requests).toHaveLength(2);
	});

	it('fails a URL that is not http(s) at once instead of retrying it forever', async () => {
		const outbox = await open();
		await outbox.enqueue({kind: 'ring', callId: 'C1', url: 'javascript:alert(1)'});
		const snapshot = await until(outbox, drained);
		expect(snapshot.failed[0]!.reason).toMatch(/not an http/);
	});

	it('delivers in order per call: an item waits for the earlier ones of its call, other calls do not', async () => {
		const outbox = await open();
		const held: Array<() => void> = [];
		crm.handle = (request, response) => {
			if (request.path === '/ring' && request.url.searchParams.get('callid') === 'A') {
				held.push(() => answerOk(request, response));
				return;
			}
			answerOk(request, response);
		};
		await outbox.enqueue(pop('ring', 'A'));
		await outbox.enqueue(pop('answer', 'A'));
		await outbox.enqueue(pop('hangup', 'A'));
		await outbox.enqueue(pop('ring', 'B'));
		await crm.waitForRequests(2);
		const seen = () => crm.requests.map((request) => `${request.path.slice(1)}:${request.url.searchParams.get('callid')}`);
		// A's ring is stuck; B goes ahead; A's answer and hangup wait.
		expect(seen()).toEqual(['ring:A', 'ring:B']);
		await until(outbox, (snapshot) => snapshot.pending === 3);
		expect(seen()).toEqual(['ring:A', 'ring:B']);
		held[0]!();
		await until(outbox, drained);
		expect(seen()).toEqual(['ring:A', 'ring:B', 'answer:A', 'hangup:A']);
	});

	it('a failed (4xx) item does not block the rest of its call', async () => {
		const outbox = await open();
		crm.handle = (request, response) => {
			if (request.path === '/ring') response.writeHead(400).end();
			else answerOk(request, response);
		};
		await outbox.enqueue(pop('ring', 'A'));
		await outbox.enqueue(pop('hangup', 'A'));
		await until(outbox, drained);
		expect(crm.requests.map((request) => request.path)).toEqual(['/ring', '/hangup']);
	});

	it('reports the pending count to subscribers and stops its timers on close', async () => {
		const outbox = await open();
		await crm.stop();
		const counts: number[] = [];
		outbox.subscribe(() => counts.push(outbox.getSnapshot().pending));
		await outbox.enqueue(pop('ring', 'A'));
		await outbox.enqueue(pop('ring', 'B'));
		await until(outbox, (snapshot) => snapshot.pending === 2 && snapshot.nextRetryAt !== null);
		expect(counts).toContain(1);
		expect(counts).toContain(2);
		await outbox.close();
		expect(clock.pending()).toBe(0);
		await expect(outbox.enqueue(pop('ring', 'C'))).rejects.toThrow(/closed/);
	});
});

describe('restart and crash', () => {
	it('resends what the last run left pending, in order, and never what got a 2xx', async () => {
		const first = await open();
		await first.enqueue(pop('ring', 'A'));
		await until(first, drained);
		await crm.stop();
		await first.enqueue(pop('answer', 'A'));
		await first.enqueue(pop('hangup', 'A'));
		await until(first, waitingForRetry);
		await first.close();
		await crm.start();
		const second = await open();
		expect(second.getSnapshot().pending).toBe(2);
		await until(second, drained);
		expect(crm.requests.map((request) => request.path)).toEqual(['/ring', '/answer', '/hangup']);
		await second.close();
		const third = await open();
		expect(third.getSnapshot().pending).toBe(0);
		clock.advance(60_000);
		expect(crm.requests).toHaveLength(3);
	});

	it('an instance abandoned mid-flight (no close): zero lost, and only the in-flight item may arrive twice', async () => {
		// The dead instance: its request reaches the CRM, which never answers; its clock never moves again.
		const deadClock = createFakeClock();
		const dead = await createOutbox({dir, clock: deadClock, backoff: {initialMs: 100, maxMs: 1000}});
		await dead.enqueue(pop('ring', 'A'));
		await until(dead, drained);
		const held: Array<() => void> = [];
		crm.handle = (request, response) => held.push(() => answerOk(request, response));
		await dead.enqueue(pop('answer', 'A'));
		await dead.enqueue(pop('ring', 'B'));
		await dead.enqueue(pop('hangup', 'A'));
		await crm.waitForRequests(3); // answer:A and ring:B are in flight, hangup:A waits behind answer:A
		// "Restart": a new instance on the same files, while the old one is simply gone.
		crm.handle = answerOk;
		const next = await open();
		expect(next.getSnapshot().pending).toBe(3);
		await until(next, drained);
		const seen = crm.requests.map((request) => `${request.path.slice(1)}:${request.url.searchParams.get('callid')}`);
		expect(seen.filter((entry) => entry === 'ring:A')).toHaveLength(1); // had its 2xx: never resent
		expect(seen.filter((entry) => entry === 'answer:A')).toHaveLength(2); // the in-flight window
		expect(seen.filter((entry) => entry === 'ring:B')).toHaveLength(2); // the in-flight window
		expect(seen.filter((entry) => entry === 'hangup:A')).toHaveLength(1); // never sent by the dead one
		expect(seen.indexOf('hangup:A')).toBeGreaterThan(seen.lastIndexOf('answer:A'));
		for (const release of held) release();
		await dead.close();
		const third = await open();
		expect(third.getSnapshot().pending).toBe(0);
	});

	it('skips a line torn by a crash mid-write and keeps everything before it', async () => {
		const add = (id: number, kind: string) => JSON.stringify({op: 'add', id, kind, url: `${crm.origin}/${kind}`, callId: 'A', at: 1});
		await writeFile(join(dir, 'outbox.log'), `${add(1, 'ring')}\n${JSON.stringify({op: 'done', id: 1, at: 2, status: 200})}\n${add(2, 'answer')}\n{"op":"add","id":3,"ki`);
		const outbox = await open();
		expect(outbox.getSnapshot().pending).toBe(1);
		await until(outbox, drained);
		expect(crm.requests.map((request) => request.path)).toEqual(['/answer']);
		const item = await outbox.enqueue(pop('hangup', 'A'));
		expect(item.id).toBe(3);
	});

	it('compacts the log once enough items are finished, keeping pending and failed ones', async () => {
		const outbox = await open({compactAfter: 5});
		crm.handle = (request, response) => {
			if (request.path === '/bad') response.writeHead(410).end();
			else answerOk(request, response);
		};
		await outbox.enqueue(pop('bad', 'X', '/bad'));
		for (let index = 0; index < 6; index++) await outbox.enqueue(pop('ring', `C${index}`));
		await until(outbox, drained);
		await crm.stop();
		await outbox.enqueue(pop('hangup', 'Z'));
		await until(outbox, waitingForRetry);
		const lines = logLines();
		expect(lines.length).toBeLessThan(10);
		expect(lines).toContainEqual(expect.objectContaining({op: 'failed'}));
		expect(lines).toContainEqual(expect.objectContaining({op: 'add', kind: 'hangup', callId: 'Z'}));
		await outbox.close();
		const again = await open();
		expect(again.getSnapshot()).toMatchObject({pending: 1, failed: [expect.objectContaining({kind: 'bad'})]});
	});
});

describe('cookies', () => {
	async function jar(options: {secureOnLocal?: boolean} = {}) {
		return createCookieJar({file: join(dir, 'cookies.json'), now: clock.now, ...options});
	}

	it('sends back the cookies the home URL visit set, honouring path, and keeps them across restarts', async () => {
		const cookieJar = await jar();
		const outbox = await open({cookieJar});
		crm.handle = (request, response) => {
			if (request.path === '/main') {
				response.setHeader('set-cookie', ['session=abc123; Path=/; HttpOnly', 'pops=1; Path=/pops']);
			}
			answerOk(request, response);
		};
		await outbox.enqueue({kind: 'home', callId: null, url: `${crm.origin}/main?user=101&sid=X`});
		await until(outbox, drained);
		await outbox.enqueue(pop('ring', 'A', '/pops/ring'));
		await outbox.enqueue(pop('hangup', 'A', '/log/hangup'));
		await until(outbox, drained);
		expect(crm.requests.map((request) => [request.path, request.cookie])).toEqual([
			['/main', null],
			['/pops/ring', 'pops=1; session=abc123'],
			['/log/hangup', 'session=abc123'],
		]);
		await outbox.close();
		const saved = JSON.parse(await readFile(join(dir, 'cookies.json'), 'utf8')) as {cookies: Array<{key: string}>};
		expect(saved.cookies.map((cookie) => cookie.key).sort()).toEqual(['pops', 'session']);
		const reopened = await open({cookieJar: await jar()});
		await reopened.enqueue(pop('ring', 'B', '/pops/ring'));
		await until(reopened, drained);
		expect(crm.requests.at(-1)!.cookie).toBe('pops=1; session=abc123');
	});

	it('stops sending a cookie once it expires (on the injected clock) and when the CRM deletes it', async () => {
		const cookieJar = await jar();
		const outbox = await open({cookieJar});
		crm.handle = (request, response) => {
			if (request.path === '/login') response.setHeader('set-cookie', ['short=1; Max-Age=60', 'long=2; Max-Age=86400', 'gone=3']);
			if (request.path === '/logout') response.setHeader('set-cookie', ['gone=; Max-Age=0']);
			answerOk(request, response);
		};
		for (const path of ['/login', '/a', '/logout']) {
			await outbox.enqueue(pop('x', 'A', path));
			await until(outbox, drained);
		}
		clock.advance(61_000);
		await outbox.enqueue(pop('x', 'A', '/b'));
		await until(outbox, drained);
		expect(crm.requests.map((request) => request.cookie)).toEqual([null, 'short=1; long=2; gone=3', 'short=1; long=2; gone=3', 'long=2']);
	});

	it('keeps Secure cookies off plain http when localhost is not treated as secure', async () => {
		const cookieJar = await jar({secureOnLocal: false});
		const outbox = await open({cookieJar});
		crm.handle = (request, response) => {
			if (request.path === '/login') response.setHeader('set-cookie', ['plain=1', 'sec=2; Secure']);
			answerOk(request, response);
		};
		await outbox.enqueue(pop('x', 'A', '/login'));
		await until(outbox, drained);
		await outbox.enqueue(pop('x', 'A', '/next'));
		await until(outbox, drained);
		expect(crm.requests[1]!.cookie).toBe('plain=1');
		// A Secure cookie from the https origin is never sent to the http one either.
		await cookieJar.store(`https://127.0.0.1:${crm.port}/`, ['tls=3; Secure']);
		expect(await cookieJar.cookieHeader(`https://127.0.0.1:${crm.port}/x`)).toBe('plain=1; tls=3');
		expect(await cookieJar.cookieHeader(`${crm.origin}/x`)).toBe('plain=1');
	});

	it('keeps cookies per origin: another host never sees them', async () => {
		const cookieJar = await jar();
		await cookieJar.store('http://crm-a.test/', ['a=1']);
		await cookieJar.store('http://crm-b.test/', ['b=2']);
		expect(await cookieJar.cookieHeader('http://crm-a.test/p')).toBe('a=1');
		expect(await cookieJar.cookieHeader('http://crm-b.test/p')).toBe('b=2');
	});

	it('starts empty from a corrupt jar file and says so', async () => {
		await writeFile(join(dir, 'cookies.json'), '{not json');
		const errors: string[] = [];
		const cookieJar = await createCookieJar({file: join(dir, 'cookies.json'), now: clock.now, onError: (message) => errors.push(message)});
		expect(await cookieJar.cookieHeader('http://crm-a.test/')).toBe('');
		expect(errors[0]).toMatch(/corrupt/);
	});
});

describe('another transport (the managed browser, issue 15)', () => {
	it('delivers through the transport it is given at each attempt, retries what it says, and sends waiting items at once on retryNow', async () => {
		const verdicts = [
			{type: 'retry' as const, reason: 'the CRM answered HTTP 401: log in to the CRM in the main window', retryAfterMs: null},
			{type: 'delivered' as const, status: 200},
		];
		const seen: string[] = [];
		const outbox = await open({
			backoff: {initialMs: 60_000, maxMs: 60_000},
			transport: () => async (url) => {
				seen.push(url);
				return verdicts.shift()!;
			},
		});
		const item = await outbox.enqueue(pop('ring', 'C1'));
		const waiting = await until(outbox, waitingForRetry);
		expect(waiting.lastError).toBe('ring pop for C1: the CRM answered HTTP 401: log in to the CRM in the main window');
		expect(crm.requests).toEqual([]);
		// Without retryNow the next attempt would be a minute away (the fake clock does not move).
		outbox.retryNow();
		await until(outbox, drained);
		expect(seen).toEqual([item.url, item.url]);
		expect(outbox.settled).toEqual([{item, outcome: 'delivered', status: 200}]);
	});

	it('uses fetch when the transport getter gives none', async () => {
		const outbox = await open({transport: () => null});
		await outbox.enqueue(pop('ring', 'C2'));
		await until(outbox, drained);
		expect(crm.requests.map((request) => request.path)).toEqual(['/ring']);
	});
});
