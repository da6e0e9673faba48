// The WebSocket event stream over the real server, session and simulator, with a ws client.
import {afterEach, describe, expect, it} from 'vitest';
import WebSocket from 'ws';
import {toStatusJson} from '../../source/core/status.js';
import {deskSettings} from '../../source/desk-settings.js';
import {crmOrigin, loginReady, startHarness, testConfig, type Harness, type HarnessOptions} from './server-harness.js';

let h: Harness | null = null;
const sockets: WebSocket[] = [];

afterEach(async () => {
	for (const socket of sockets.splice(0)) socket.terminate();
	await h?.close();
	h = null;
});

async function start(options: HarnessOptions = {}) {
	h = await startHarness(options);
	return h;
}

interface Message {
	type: string;
	seq?: number;
	event?: {type: string; seq: number; [key: string]: unknown};
	status?: unknown;
	state?: unknown;
}

/** A client that records every message, with a way to wait until some condition holds. */
function connect(path = '/events', options: WebSocket.ClientOptions = {}) {
	const harness = h!;
	const ws = new WebSocket(`ws://127.0.0.1:${harness.port}${path}`, options);
	sockets.push(ws);
	// The CRM-facing stream (snapshot, event, gap) apart from what scripts and attached TUIs also get.
	const messages: Message[] = [];
	const extras: Message[] = [];
	const waiters: Array<() => void> = [];
	ws.on('message', (data: Buffer) => {
		const message = JSON.parse(data.toString('utf8')) as Message;
		(message.type === 'activity' || message.type === 'pops' || message.type === 'settings' ? extras : messages).push(message);
		for (const waiter of waiters.splice(0)) waiter();
	});
	const wait = async (list: Message[], predicate: (all: Message[]) => boolean) => {
		while (!predicate(list)) {
			await new Promise<void>((resolve) => waiters.push(resolve));
		}
		return list;
	};
	const until = (predicate: (all: Message[]) => boolean) => wait(messages, predicate);
	const untilExtra = (predicate: (all: Message[]) => boolean) => wait(extras, predicate);
	const opened = new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
	const closed = new Promise<{code: number; reason: string}>((resolve) =>
		ws.once('close', (code, reason) => resolve({code, reason: reason.toString()})),
	);
	return {ws, messages, extras, until, untilExtra, opened, closed};
}

/** Resolves with the HTTP status the server answered an upgrade with. */
function refusedWith(path: string, options: WebSocket.ClientOptions = {}) {
	return new Promise<{status: number; body: string}>((resolve, reject) => {
		const ws = new WebSocket(`ws://127.0.0.1:${h!.port}${path}`, options);
		sockets.push(ws);
		ws.once('open', () => reject(new Error('upgrade was accepted')));
		ws.once('error', () => undefined);
		ws.once('unexpected-response', (_request, response) => {
			let body = '';
			response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
			response.on('end', () => resolve({status: response.statusCode ?? 0, body}));
		});
	});
}

describe('events socket', () => {
	it('sends a snapshot on connect: seq, the status JSON and the full session state', async () => {
		const harness = await start();
		await loginReady(harness.store);
		const client = connect();
		const [first] = await client.until((all) => all.length >= 1);
		const state = harness.store.getSnapshot();
		expect(first).toEqual({type: 'snapshot', seq: state.seq, status: toStatusJson(state), state: JSON.parse(JSON.stringify(state))});
	});

	it('then streams every session event in order, with the pop field names', async () => {
		const harness = await start();
		const client = connect();
		await client.until((all) => all.length >= 1);
		const from = harness.store.getSnapshot().seq;
		await fetch(`${harness.base}/cgi-bin/login.cgi?user=101&pass=101`);
		await fetch(`${harness.base}/cgi-bin/ready.cgi`);
		await harness.store.run({type: 'inject-call'});
		const end = harness.store.getSnapshot().seq;
		const messages = await client.until((all) => all.at(-1)?.seq === end);
		const events = messages.slice(1);
		expect(events.every((message) => message.type === 'event')).toBe(true);
		expect(events.map((message) => message.seq)).toEqual(Array.from({length: end - from}, (_, i) => from + i + 1));
		expect(events.map((message) => message.event!.seq)).toEqual(events.map((message) => message.seq));
		// Exactly what the session published, in its order (the replay buffer keeps only the newest
		// queue list, since each one supersedes the one before).
		const live = events.map((message) => message.event!);
		const lastQueue = live.filter((event) => event.type === 'queue-changed').at(-1);
		const kept = live.filter((event) => event.type !== 'queue-changed' || event === lastQueue);
		expect(kept).toEqual(JSON.parse(JSON.stringify(harness.store.eventsSince(from))));
		expect(events.map((message) => message.event!.type)).toContain('agent-logged-in');
		const offered = events.find((message) => message.event!.type === 'call-offered')!.event!;
		expect(offered).toMatchObject({callId: expect.stringMatching(/^\d{17}$/), number: expect.any(String), groupId: '1'});
	});

	it('replays missed events with ?since= instead of a snapshot', async () => {
		const harness = await start();
		await loginReady(harness.store);
		const since = harness.store.getSnapshot().seq;
		await harness.store.run({type: 'away', reason: 'lunch'});
		await harness.store.run({type: 'ready'});
		const end = harness.store.getSnapshot().seq;
		const client = connect(`/events?since=${since}`);
		const messages = await client.until((all) => all.at(-1)?.seq === end);
		expect(messages.map((message) => message.type)).toEqual(messages.map(() => 'event'));
		expect(messages.map((message) => message.seq)).toEqual(Array.from({length: end - since}, (_, i) => since + i + 1));
		await harness.store.run({type: 'away', reason: 'break'});
		await client.until((all) => all.at(-1)?.seq === end + 1);
	});

	it('says gap and sends a fresh snapshot when the events are no longer buffered', async () => {
		const harness = await start({replayLimit: 2});
		await loginReady(harness.store);
		await harness.store.run({type: 'away', reason: 'lunch'});
		await harness.store.run({type: 'ready'});
		const client = connect('/events?since=1');
		const messages = await client.until((all) => all.length >= 2);
		expect(messages[0]).toMatchObject({type: 'gap', since: 1});
		expect(messages[1]).toMatchObject({type: 'snapshot', seq: harness.store.getSnapshot().seq});
	});

	it('treats a seq from the future (ctidesk restarted) as a gap', async () => {
		await start();
		const client = connect('/events?since=999');
		const messages = await client.until((all) => all.length >= 2);
		expect(messages.map((message) => message.type)).toEqual(['gap', 'snapshot']);
	});

	it('pings clients and drops one that stops answering', async () => {
		await start({heartbeatMs: 25});
		const healthy = connect();
		let pings = 0;
		healthy.ws.on('ping', () => (pings += 1));
		const silent = connect('/events', {autoPong: false});
		await Promise.all([healthy.opened, silent.opened]);
		await silent.closed;
		await new Promise<void>((resolve) => {
			const check = () => (pings >= 4 ? resolve() : healthy.ws.once('ping', check));
			check();
		});
		expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
	});

	it('drops a client that stops reading instead of buffering without bound', async () => {
		const harness = await start({maxBufferedBytes: 64 * 1024});
		await loginReady(harness.store);
		const slow = connect();
		const fast = connect();
		await Promise.all([slow.until((all) => all.length >= 1), fast.until((all) => all.length >= 1)]);
		// Stop reading: the kernel buffers fill (a few MB on loopback), then ws starts to queue,
		// then the server gives up on this client; the other one keeps up and keeps its stream.
		const socket = (slow.ws as unknown as {_socket: {pause(): void; resume(): void}})._socket;
		socket.pause();
		const dropped = () => harness.activity.getEntries().some((entry) => entry.text.startsWith('WebSocket client dropped'));
		const reasons = ['lunch', 'break'];
		let runs = 0;
		while (!dropped() && runs < 100_000) {
			await harness.store.run({type: 'away', reason: reasons[runs % 2]!});
			runs += 1;
			// Let the fast client read (and the server flush) now and then.
			if (runs % 200 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
		}
		expect(dropped()).toBe(true);
		socket.resume();
		await slow.closed;
		const end = harness.store.getSnapshot().seq;
		await fast.until((all) => all.at(-1)?.seq === end);
		expect(fast.ws.readyState).toBe(WebSocket.OPEN);
	});

	it('closes clients cleanly with 1001 on shutdown', async () => {
		const harness = await start();
		const client = connect();
		await client.opened;
		await harness.close();
		h = null;
		expect(await client.closed).toEqual({code: 1001, reason: 'ctidesk is shutting down'});
	});

	it('accepts an allowed Origin', async () => {
		await start();
		const client = connect('/events', {origin: crmOrigin});
		await client.until((all) => all.length >= 1);
	});

	it.each([
		['a foreign Origin', '/events', {origin: 'https://evil.example'}, 403],
		['Origin null', '/events', {origin: 'null'}, 403],
		['a rebinding Host', '/events', {headers: {Host: 'evil.example'}}, 403],
		['a Host without the port', '/events', {headers: {Host: 'localhost'}}, 403],
		['another path', '/socket', {}, 404],
		['a broken since', '/events?since=-1', {}, 400],
		['a control character in the query', '/events?since=1%0A', {}, 400],
	])('refuses an upgrade with %s', async (_name, path, options, status) => {
		const harness = await start();
		const before = harness.store.getSnapshot();
		const refused = await refusedWith(path, options as WebSocket.ClientOptions);
		expect(refused.status).toBe(status);
		expect(refused.body).not.toContain('"agent"');
		expect(harness.store.getSnapshot()).toBe(before);
	});
});

describe('events socket for scripts and attached TUIs', () => {
	interface Entry {
		id: number;
		text: string;
	}
	const entriesOf = (extras: Message[]) =>
		extras.filter((message) => message.type === 'activity').flatMap((message) => (message as unknown as {entries: Entry[]}).entries);

	it('sends the activity backlog after the snapshot, then each new entry once, in order', async () => {
		const harness = await start();
		harness.activity.add('info', 'test', 'before connect');
		const client = connect();
		await client.until((all) => all.length >= 1);
		const backlog = await client.untilExtra((all) => entriesOf(all).some((entry) => entry.text.startsWith('WebSocket client connected')));
		expect(entriesOf(backlog).map((entry) => entry.text)).toContain('before connect');
		for (let index = 0; index < 50; index += 1) harness.activity.add('info', 'test', `line ${index}`);
		await fetch(`${harness.base}/cgi-bin/status.cgi`);
		const all = await client.untilExtra((extras) => entriesOf(extras).some((entry) => entry.text.includes('/cgi-bin/status.cgi')));
		const ids = entriesOf(all).map((entry) => entry.id);
		// Every entry the log holds, each exactly once, strictly increasing.
		expect(ids).toEqual(harness.activity.getEntries().map((entry) => entry.id).slice(0, ids.length));
		expect(ids.every((id, index) => index === 0 || id > ids[index - 1]!)).toBe(true);
		// 50 lines added in one turn travel as one message, not 50.
		expect(all.filter((message) => message.type === 'activity').length).toBeLessThan(10);
	});

	it('sends the pops view on connect and on every change', async () => {
		let view = {recent: [] as never[], fallbackLinks: [] as Array<{kind: string; url: string}>, pendingHidden: 0};
		const listeners = new Set<() => void>();
		const harness = await start({
			instance: {
				describe: () => {
					throw new Error('not used');
				},
				shutdown: () => undefined,
				openLink: async () => undefined,
				pops: {getSnapshot: () => view, subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener))},
			},
		});
		const client = connect();
		const first = await client.untilExtra((all) => all.some((message) => message.type === 'pops'));
		expect(first.find((message) => message.type === 'pops')).toEqual({type: 'pops', view});
		view = {...view, pendingHidden: 3, fallbackLinks: [{kind: 'ring', url: 'https://crm.example.com/ring'}]};
		for (const listener of listeners) listener();
		const later = await client.untilExtra((all) => all.filter((message) => message.type === 'pops').length >= 2);
		expect(later.filter((message) => message.type === 'pops').at(-1)).toEqual({type: 'pops', view});
		expect(harness.activity.getEntries().length).toBeGreaterThan(0);
	});

	it('sends the saved settings on connect and on every save, so attached TUIs apply them at once', async () => {
		let settings = deskSettings(testConfig());
		const listeners = new Set<() => void>();
		await start({
			instance: {
				describe: () => {
					throw new Error('not used');
				},
				shutdown: () => undefined,
				openLink: async () => undefined,
				pops: {getSnapshot: () => ({recent: [], fallbackLinks: [], pendingHidden: 0}), subscribe: () => () => undefined},
				settings: {getSnapshot: () => settings, subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener))},
			},
		});
		const client = connect();
		const first = await client.untilExtra((all) => all.some((message) => message.type === 'settings'));
		expect(first.find((message) => message.type === 'settings')).toEqual({type: 'settings', settings: JSON.parse(JSON.stringify(settings))});
		settings = {...settings, language: 'zh-CN', reasons: ['lunch']};
		for (const listener of listeners) listener();
		const later = await client.untilExtra((all) => all.filter((message) => message.type === 'settings').length >= 2);
		expect(later.filter((message) => message.type === 'settings').at(-1)).toMatchObject({type: 'settings', settings: {language: 'zh-CN', reasons: ['lunch']}});
	});

	it('keeps a CRM page (it sends an Origin) to snapshot, event and gap only', async () => {
		const harness = await start();
		const page = connect('/events', {origin: crmOrigin});
		const script = connect();
		await page.until((all) => all.length >= 1);
		await loginReady(harness.store);
		harness.activity.add('info', 'test', 'a line');
		await script.untilExtra((all) => entriesOf(all).some((entry) => entry.text === 'a line'));
		const end = harness.store.getSnapshot().seq;
		await page.until((all) => all.at(-1)?.seq === end);
		expect(page.extras).toEqual([]);
	});
});
