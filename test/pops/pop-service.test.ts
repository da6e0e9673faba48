import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {nextCallId} from '../../source/core/call-id.js';
import type {AgentIdentity, DriverEvent} from '../../source/core/types.js';
import type {Driver, DriverListener} from '../../source/cti/driver.js';
import {createSimDriver, type SimOptions} from '../../source/cti/sim/sim-driver.js';
import {createCookieJar} from '../../source/pops/cookie-jar.js';
import {createLauncher, type PopMode} from '../../source/pops/launcher.js';
import {createOutbox, type Outbox} from '../../source/pops/outbox.js';
import {createPopJournal, type PopJournal} from '../../source/pops/pop-journal.js';
import {createPopService, type PopService, type PopSettings} from '../../source/pops/pop-service.js';
import {createActivityLog} from '../../source/session/activity-log.js';
import {createCallIdAllocator} from '../../source/session/call-id-store.js';
import {createSessionStore, type SessionStore} from '../../source/session/session-store.js';
import {createFakeClock, type FakeClock} from '../helpers/fake-clock.js';
import {startFakeCrm} from './fake-crm.js';

// Trigger rules over the REAL simulator and the REAL session store on a fake clock. Only the
// browser is outside the product: open() is replaced by a recorder.

const simOptions: SimOptions = {
	seed: 5,
	arrivalsPerMinute: 0,
	patienceSeconds: 600,
	ringSeconds: 15,
	otherAgents: 0,
	talkSeconds: 1e7,
	groups: ['1'],
	agentNumber: '801',
};
const identity: AgentIdentity = {user: '101', agentId: '1', empId: '001', extension: '801', groups: ['1']};
const sids = ['0123456789ABCDEF0123456789ABCDEF', 'FEDCBA9876543210FEDCBA9876543210'];

function settings(overrides: Partial<PopSettings> = {}, mode: PopMode = 'browser'): PopSettings {
	return {
		home: {url: 'http://crm.test/main?tab=calls', mode},
		ring: {url: 'http://crm.test/ring', mode},
		answer: {url: 'http://crm.test/answer?form=1', mode},
		hangup: {url: 'http://crm.test/hangup', mode},
		loginParams: 'sid',
		ringOnDial: false,
		...overrides,
	};
}

/** The sim driver plus a way to inject what a flaky PBX link does (drops, resync repeats). */
function withInjection(inner: Driver): Driver & {inject(event: DriverEvent): void} {
	const listeners = new Set<DriverListener>();
	return {
		...inner,
		name: inner.name,
		capabilities: inner.capabilities,
		onEvent(listener) {
			listeners.add(listener);
			const off = inner.onEvent(listener);
			return () => {
				listeners.delete(listener);
				off();
			};
		},
		inject(event) {
			for (const listener of listeners) listener(event);
		},
	};
}

interface Harness {
	clock: FakeClock;
	store: SessionStore;
	driver: ReturnType<typeof withInjection>;
	service: PopService;
	/** Every URL handed to the browser, as [kind, url]. */
	opened: Array<[string, URL]>;
	activity: ReturnType<typeof createActivityLog>;
	/** The call pops opened so far, as kind names. */
	kinds(): string[];
	run(command: Parameters<SessionStore['run']>[0]): Promise<void>;
}

const services: PopService[] = [];
const stores: SessionStore[] = [];
afterEach(async () => {
	for (const service of services.splice(0)) service.stop();
	for (const store of stores.splice(0)) await store.stop();
});

async function setup({
	pops = settings(),
	sim = {},
	ready = true,
	serviceNow,
	env = {DISPLAY: ':0'},
}: {
	pops?: PopSettings;
	sim?: Partial<SimOptions>;
	ready?: boolean;
	serviceNow?: (clock: FakeClock) => number;
	env?: NodeJS.ProcessEnv;
} = {}): Promise<Harness> {
	const clock = createFakeClock();
	const driver = withInjection(createSimDriver({...simOptions, ...sim}, clock));
	let lastId: string | null = null;
	let login = 0;
	const store = createSessionStore({
		driver,
		clock,
		authenticate: (user, secret) => (user === '101' && secret === '101' ? identity : null),
		wrapUpSeconds: 0,
		allocateCallId: (now) => (lastId = nextCallId(lastId, now)),
		createSid: () => sids[login++ % sids.length]!,
	});
	stores.push(store);
	const opened: Array<[string, URL]> = [];
	const tagged = recordingLauncher(opened, env);
	const activity = createActivityLog({now: clock.now});
	const service = createPopService({
		store,
		settings: pops,
		launcher: tagged,
		activity,
		clock: {now: serviceNow ? () => serviceNow(clock) : clock.now},
		loginToken: (user) => `TOKEN-${user}`,
	});
	services.push(service);
	await store.start();
	service.start();
	const run = async (command: Parameters<SessionStore['run']>[0]) => {
		expect(await store.run(command)).toEqual({ok: true});
	};
	await run({type: 'login', user: '101', password: '101'});
	if (ready) await run({type: 'ready'});
	return {
		clock,
		store,
		driver,
		service,
		opened,
		activity,
		kinds: () => opened.map(([kind]) => kind).filter((kind) => kind !== 'home'),
		run,
	};
}

function callPops(h: Harness) {
	return h.opened.filter(([kind]) => kind !== 'home');
}

function callIds(h: Harness) {
	return new Set(callPops(h).map(([, url]) => url.searchParams.get('callid')));
}


/** The real launcher with only `open` replaced: records each opened URL, tagged with its pop kind. */
function recordingLauncher(opened: Array<[string, URL]>, env: NodeJS.ProcessEnv) {
	let pendingKind = '';
	const launcher = createLauncher({
		browserCommand: '',
		noBrowser: false,
		clipboard: false,
		outbox: {enqueue: () => Promise.reject(new Error('no outbox in this test'))},
		env,
		platform: 'linux',
		openUrl: (url) => {
			opened.push([pendingKind, new URL(url)]);
			return Promise.resolve(undefined);
		},
	});
	return {
		...launcher,
		launch: (request: Parameters<typeof launcher.launch>[0]) => {
			pendingKind = request.kind;
			return launcher.launch(request);
		},
	};
}

describe('home URL', () => {
	it('opens bare at start, then with user (the employee id) and sid after login', async () => {
		const h = await setup({ready: false});
		const homes = h.opened.filter(([kind]) => kind === 'home').map(([, url]) => url.href);
		expect(homes).toEqual(['http://crm.test/main?tab=calls', `http://crm.test/main?tab=calls&user=001&sid=${sids[0]}`]);
	});

	it('uses the legacy agentid, user, password form with the login token when configured', async () => {
		const h = await setup({pops: settings({loginParams: 'legacy'}), ready: false});
		expect(h.opened.at(-1)![1].href).toBe('http://crm.test/main?tab=calls&agentid=1&user=101&password=TOKEN-101');
	});

	it('opens again with the new sid after logout and a new login', async () => {
		const h = await setup({ready: false});
		await h.run({type: 'logout'});
		await h.run({type: 'login', user: '101', password: '101'});
		const sidsSeen = h.opened.filter(([kind]) => kind === 'home').map(([, url]) => url.searchParams.get('sid'));
		expect(sidsSeen).toEqual([null, sids[0], sids[1]]);
	});
});

describe('call pops fire exactly once per call and kind', () => {
	it('inbound answered: ring, answer, hangup with one callid, origin 1 and the login sid', async () => {
		const h = await setup();
		await h.run({type: 'inject-call'});
		expect(h.kinds()).toEqual(['ring']);
		await h.run({type: 'answer'});
		h.clock.advance(60_000);
		await h.run({type: 'hangup'});
		expect(h.kinds()).toEqual(['ring', 'answer', 'hangup']);
		expect(callIds(h).size).toBe(1);
		const call = h.store.getSnapshot().recentCalls[0]!;
		for (const [, url] of callPops(h)) {
			expect(url.searchParams.get('callid')).toBe(call.callId);
			expect(url.searchParams.get('origin')).toBe('1');
			expect(url.searchParams.get('sid')).toBe(sids[0]);
			expect(url.searchParams.get('agentid')).toBe('1');
			expect(url.searchParams.get('empid')).toBe('001');
			expect(url.searchParams.get('calledid')).toBe('801');
		}
		expect(callPops(h)[1]![1].searchParams.get('form')).toBe('1');
	});

	it('a caller who gives up while it rings: ring, then hangup, no answer pop', async () => {
		const h = await setup({sim: {patienceSeconds: 4, ringSeconds: 60}});
		await h.run({type: 'inject-call'});
		h.clock.advance(10_000);
		expect(h.store.getSnapshot().recentCalls[0]?.endCause).toBe('customer-hangup');
		expect(h.kinds()).toEqual(['ring', 'hangup']);
		expect(callIds(h).size).toBe(1);
	});

	it('ring timeout (ring-no-answer): ring, then hangup, no answer pop', async () => {
		const h = await setup({sim: {ringSeconds: 15}});
		await h.run({type: 'inject-call'});
		h.clock.advance(16_000);
		expect(h.store.getSnapshot().recentCalls[0]?.endCause).toBe('no-answer');
		expect(h.store.getSnapshot().agent.reason).toBe('ring-no-answer');
		expect(h.kinds()).toEqual(['ring', 'hangup']);
	});

	it('the agent rejects a ringing call: ring, then hangup', async () => {
		const h = await setup();
		await h.run({type: 'inject-call'});
		await h.run({type: 'hangup'});
		expect(h.kinds()).toEqual(['ring', 'hangup']);
	});

	it('outbound without ringOnDial: answer and hangup only, origin 2', async () => {
		const h = await setup();
		await h.run({type: 'dial', number: '+8613800138000'});
		expect(h.kinds()).toEqual([]);
		h.clock.advance(5000);
		await h.run({type: 'hangup'});
		expect(h.kinds()).toEqual(['answer', 'hangup']);
		for (const [, url] of callPops(h)) {
			expect(url.searchParams.get('origin')).toBe('2');
			expect(url.searchParams.get('number')).toBe('+8613800138000');
			expect(url.search).toContain('number=%2B8613800138000');
		}
		expect(callIds(h).size).toBe(1);
	});

	it('outbound with ringOnDial: ring when dialing, then answer and hangup', async () => {
		const h = await setup({pops: settings({ringOnDial: true})});
		await h.run({type: 'dial', number: '13800138000'});
		expect(h.kinds()).toEqual(['ring']);
		h.clock.advance(5000);
		await h.run({type: 'hangup'});
		expect(h.kinds()).toEqual(['ring', 'answer', 'hangup']);
		expect(callIds(h).size).toBe(1);
	});

	it('outbound nobody answers, with ringOnDial: ring, then hangup', async () => {
		const h = await setup({pops: settings({ringOnDial: true})});
		await h.run({type: 'dial', number: '13800138087'});
		h.clock.advance(20_000);
		expect(h.store.getSnapshot().recentCalls[0]?.endCause).toBe('no-answer');
		expect(h.kinds()).toEqual(['ring', 'hangup']);
	});

	it('hold and unhold, twice, fire nothing', async () => {
		const h = await setup();
		await h.run({type: 'inject-call'});
		await h.run({type: 'answer'});
		for (let index = 0; index < 2; index++) {
			await h.run({type: 'hold'});
			h.clock.advance(3000);
			await h.run({type: 'unhold'});
		}
		expect(h.kinds()).toEqual(['ring', 'answer']);
		await h.run({type: 'hold'});
		await h.run({type: 'hangup'});
		expect(h.kinds()).toEqual(['ring', 'answer', 'hangup']);
	});

	it('blind transfer: one hangup pop for the transferred call', async () => {
		const h = await setup();
		await h.run({type: 'inject-call'});
		await h.run({type: 'answer'});
		await h.run({type: 'transfer', target: '2000', mode: 'blind'});
		h.clock.advance(5000);
		expect(h.store.getSnapshot().call).toBeNull();
		expect(h.store.getSnapshot().recentCalls[0]?.endCause).toBe('transferred');
		expect(h.kinds()).toEqual(['ring', 'answer', 'hangup']);
	});

	it('consult transfer, cancelled once then completed: one hangup pop', async () => {
		const h = await setup();
		await h.run({type: 'inject-call'});
		await h.run({type: 'answer'});
		await h.run({type: 'transfer', target: '2000', mode: 'consult'});
		h.clock.advance(4000);
		expect(h.store.getSnapshot().call?.consult?.state).toBe('talking');
		await h.run({type: 'cancel-transfer'});
		if (h.store.getSnapshot().call?.state === 'held') await h.run({type: 'unhold'});
		await h.run({type: 'transfer', target: '2001', mode: 'consult'});
		h.clock.advance(4000);
		await h.run({type: 'complete-transfer'});
		h.clock.advance(1000);
		expect(h.store.getSnapshot().call).toBeNull();
		expect(h.kinds()).toEqual(['ring', 'answer', 'hangup']);
		expect(callIds(h).size).toBe(1);
	});

	it('a PBX link that drops and comes back mid-call, repeating events on resync, fires nothing twice', async () => {
		const h = await setup();
		await h.run({type: 'inject-call'});
		const call = h.store.getSnapshot().call!;
		await h.run({type: 'answer'});
		const at = h.clock.now();
		h.driver.inject({type: 'connection-changed', at, connected: false, message: 'link lost'});
		h.driver.inject({type: 'connection-changed', at, connected: true, message: null});
		// A resyncing driver reports the call again.
		h.driver.inject({type: 'call-answered', at, pbxCallId: call.pbxCallId});
		h.driver.inject({type: 'call-offered', at, pbxCallId: call.pbxCallId, origin: 1, number: call.number, callerId: call.callerId, calledId: call.calledId, groupId: call.groupId});
		expect(h.kinds()).toEqual(['ring', 'answer']);
		await h.run({type: 'hangup'});
		// A late duplicate end after the call is gone.
		h.driver.inject({type: 'call-ended', at: h.clock.now(), pbxCallId: call.pbxCallId, cause: 'agent-hangup'});
		expect(h.kinds()).toEqual(['ring', 'answer', 'hangup']);
	});

	it('the simulated PBX stopping mid-call ends the call once; reconnecting fires nothing more', async () => {
		const h = await setup();
		await h.run({type: 'inject-call'});
		await h.run({type: 'answer'});
		await h.driver.disconnect();
		expect(h.store.getSnapshot().recentCalls[0]?.endCause).toBe('connection-lost');
		await h.driver.connect();
		h.clock.advance(60_000);
		expect(h.kinds()).toEqual(['ring', 'answer', 'hangup']);
	});

	it('three calls in a row get three distinct callids, each with its own three pops', async () => {
		const h = await setup();
		for (let index = 0; index < 3; index++) {
			await h.run({type: 'inject-call'});
			await h.run({type: 'answer'});
			await h.run({type: 'hangup'});
			h.clock.advance(2000);
			if (h.store.getSnapshot().agent.presence !== 'ready') await h.run({type: 'ready'});
		}
		expect(h.kinds()).toEqual(['ring', 'answer', 'hangup', 'ring', 'answer', 'hangup', 'ring', 'answer', 'hangup']);
		expect(callIds(h).size).toBe(3);
	});
});

describe('modes, records and the snapshot', () => {
	it('records latency from the event to the hand-off, and masks the sid in the record', async () => {
		let extra = 0;
		const h = await setup({serviceNow: (clock) => clock.now() + extra});
		extra = 7;
		await h.run({type: 'inject-call'});
		const [record] = h.service.getSnapshot().recent;
		expect(record).toMatchObject({kind: 'ring', mode: 'browser', latencyMs: 7, callId: h.store.getSnapshot().call!.callId});
		expect(record!.url).toContain('sid=***');
		expect(record!.url).not.toContain(sids[0]);
		await vi.waitFor(() => expect(h.service.getSnapshot().recent[0]!.outcome).toBe('opened'));
		expect(h.activity.getEntries().some((entry) => entry.source === 'pops' && /ring pop for call \d{17}: opened \(browser, 7 ms\)/.test(entry.text))).toBe(true);
	});

	it('shows the pop as a link with the full URL when no browser can open', async () => {
		const h = await setup({env: {}});
		await h.run({type: 'inject-call'});
		const {fallbackLinks, recent} = h.service.getSnapshot();
		expect(h.opened).toEqual([]);
		expect(fallbackLinks[0]).toMatchObject({kind: 'ring'});
		expect(new URL(fallbackLinks[0]!.url).searchParams.get('sid')).toBe(sids[0]);
		await vi.waitFor(() => expect(h.service.getSnapshot().recent[0]!.outcome).toBe('shown'));
		expect(recent.length).toBeGreaterThan(0);
		expect(h.activity.getEntries().some((entry) => entry.level === 'warn' && entry.text.includes('ring pop for call'))).toBe(true);
		h.service.dismissFallback(fallbackLinks[0]!.id);
		expect(h.service.getSnapshot().fallbackLinks.some((link) => link.kind === 'ring')).toBe(false);
	});

	it('does nothing for a pop that is off or has no URL', async () => {
		const h = await setup({pops: settings({ring: {url: 'http://crm.test/ring', mode: 'off'}, answer: {url: '', mode: 'browser'}})});
		await h.run({type: 'inject-call'});
		await h.run({type: 'answer'});
		expect(h.kinds()).toEqual([]);
		expect(h.service.getSnapshot().recent[0]).toMatchObject({kind: 'ring', outcome: 'off'});
		await h.run({type: 'hangup'});
		expect(h.kinds()).toEqual(['hangup']);
	});

	it('keeps a bounded list of recent pops, newest first, and tells subscribers', async () => {
		const h = await setup();
		let notified = 0;
		h.service.subscribe(() => notified++);
		await h.run({type: 'inject-call'});
		await h.run({type: 'answer'});
		expect(notified).toBeGreaterThan(0);
		expect(h.service.getSnapshot().recent.map((record) => record.kind).slice(0, 2)).toEqual(['answer', 'ring']);
		const snapshot = h.service.getSnapshot();
		expect(h.service.getSnapshot()).toBe(snapshot);
	});
});

describe('hidden pops through the real outbox to a local CRM', () => {
	it('visits the home URL, sends its cookie with every pop, and marks records delivered', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'ctidesk-pops-'));
		const crm = await startFakeCrm();
		let outbox: Outbox | null = null;
		try {
			crm.handle = (request, response) => {
				if (request.path === '/main' && request.url.searchParams.get('sid')) response.setHeader('set-cookie', 'crm=logged-in; Path=/');
				response.writeHead(200).end('ok');
			};
			const clock = createFakeClock();
			const cookieJar = await createCookieJar({file: join(dir, 'cookies.json'), now: clock.now});
			outbox = await createOutbox({dir: join(dir, 'outbox'), clock, cookieJar});
			const driver = createSimDriver(simOptions, clock);
			let lastId: string | null = null;
			const store = createSessionStore({
				driver,
				clock,
				authenticate: () => identity,
				wrapUpSeconds: 0,
				allocateCallId: (now) => (lastId = nextCallId(lastId, now)),
				createSid: () => sids[0]!,
			});
			stores.push(store);
			const launcher = createLauncher({browserCommand: '', noBrowser: false, clipboard: false, outbox, env: {DISPLAY: ':0'}, openUrl: () => Promise.reject(new Error('no browser in hidden mode'))});
			const base = crm.origin;
			const service = createPopService({
				store,
				settings: {
					home: {url: `${base}/main`, mode: 'hidden'},
					ring: {url: `${base}/ring`, mode: 'hidden'},
					answer: {url: `${base}/answer`, mode: 'hidden'},
					hangup: {url: `${base}/hangup`, mode: 'hidden'},
					loginParams: 'sid',
					ringOnDial: false,
				},
				launcher,
				outbox,
				clock,
			});
			services.push(service);
			await store.start();
			service.start();
			await store.run({type: 'login', user: '101', password: 'x'});
			await store.run({type: 'ready'});
			// Let the home visits land before the call (as they do in life: login comes first).
			await crm.waitForRequests(2);
			await vi.waitFor(() => expect(service.getSnapshot().pendingHidden).toBe(0));
			await store.run({type: 'inject-call'});
			await store.run({type: 'answer'});
			await store.run({type: 'hangup'});
			await crm.waitForRequests(5);
			await vi.waitFor(() => expect(service.getSnapshot().recent.every((record) => record.outcome === 'delivered')).toBe(true));
			expect(crm.requests.map((request) => [request.path, request.cookie])).toEqual([
				['/main', null],
				['/main', null],
				['/ring', 'crm=logged-in'],
				['/answer', 'crm=logged-in'],
				['/hangup', 'crm=logged-in'],
			]);
			expect(service.getSnapshot().recent.map((record) => record.kind)).toEqual(['hangup', 'answer', 'ring', 'home', 'home']);
			expect(service.getSnapshot().pendingHidden).toBe(0);
		} finally {
			await outbox?.close();
			await crm.close();
			await rm(dir, {recursive: true, force: true});
		}
	});
});

// ---------------------------------------------------------------------------------------------
// With the file journal: a PBX that outlives ctidesk, a process that dies mid-call and another
// that starts on the same data dir.

/** One ctidesk process's view of a PBX that outlives it. crash() drops its subscriptions. */
function processView(pbx: Driver) {
	const listeners = new Set<DriverListener>();
	const offs = new Set<() => void>();
	const driver: Driver = {
		...pbx,
		name: pbx.name,
		capabilities: pbx.capabilities,
		async connect() {
			await pbx.connect();
			// The PBX was already up: a reconnecting driver reports the link, as a real one does.
			for (const listener of listeners) listener({type: 'connection-changed', at: Date.now(), connected: true, message: null});
		},
		// The process goes; the PBX and its call stay.
		disconnect: () => Promise.resolve(),
		onEvent(listener) {
			listeners.add(listener);
			const off = pbx.onEvent(listener);
			offs.add(off);
			return () => {
				listeners.delete(listener);
				off();
			};
		},
		// A driver restarting next to a live login adopts it (Asterisk: QueueAdd → "already there").
		async login(agent) {
			const result = await pbx.login(agent);
			return !result.ok && /already logged in/.test(result.message) ? {ok: true} : result;
		},
	};
	return {
		driver,
		inject(event: DriverEvent) {
			for (const listener of listeners) listener(event);
		},
		crash() {
			for (const off of offs) off();
			offs.clear();
			listeners.clear();
		},
	};
}

interface Process {
	store: SessionStore;
	service: PopService;
	view: ReturnType<typeof processView>;
	journal: PopJournal;
	run(command: Parameters<SessionStore['run']>[0]): Promise<void>;
}

describe('the pop journal across a restart in the middle of a call', () => {
	let dir: string;
	const journals: PopJournal[] = [];
	afterEach(async () => {
		for (const journal of journals.splice(0)) await journal.close();
		if (dir) await rm(dir, {recursive: true, force: true});
	});

	async function startProcess(pbx: Driver, clock: FakeClock, opened: Array<[string, URL]>, pops: PopSettings): Promise<Process> {
		const view = processView(pbx);
		const journal = await createPopJournal({file: join(dir, 'pop-journal.jsonl'), clock});
		journals.push(journal);
		const callIds = createCallIdAllocator(join(dir, 'call-id.json'));
		const store = createSessionStore({
			driver: view.driver,
			clock,
			authenticate: () => identity,
			wrapUpSeconds: 0,
			// The real allocator on the shared data dir: a call that outlives the restart keeps its callId.
			allocateCallId: callIds.allocate,
			releaseCallId: callIds.release,
		});
		const tagged = recordingLauncher(opened, {DISPLAY: ':0'});
		const service = createPopService({store, settings: pops, launcher: tagged, clock, journal});
		services.push(service);
		await store.start();
		service.start();
		const run = async (command: Parameters<SessionStore['run']>[0]) => {
			expect(await store.run(command)).toEqual({ok: true});
		};
		return {store, service, view, journal, run};
	}

	it.each([
		['ringing', false],
		['talking', true],
	])('a restart while the call is %s: no second ring pop, answer once, hangup once, one callid', async (_state, answeredBefore) => {
		dir = await mkdtemp(join(tmpdir(), 'ctidesk-journal-'));
		const clock = createFakeClock();
		const pbx = createSimDriver(simOptions, clock);
		const opened: Array<[string, URL]> = [];
		const pops = settings({home: {url: '', mode: 'browser'}});
		const first = await startProcess(pbx, clock, opened, pops);
		await first.run({type: 'login', user: '101', password: 'x'});
		await first.run({type: 'ready'});
		await first.run({type: 'inject-call'});
		if (answeredBefore) await first.run({type: 'answer'});
		const call = first.store.getSnapshot().call!;
		expect(opened.map(([kind]) => kind)).toEqual(answeredBefore ? ['ring', 'answer'] : ['ring']);

		// kill -9: no stop(), no close(); the PBX keeps the call.
		first.view.crash();
		clock.advance(3000);
		const second = await startProcess(pbx, clock, opened, pops);
		await second.run({type: 'login', user: '101', password: 'x'});
		// After resync the driver reports the call again, with its original start time.
		const {pbxCallId, origin, number, callerId, calledId, groupId} = call;
		second.view.inject({type: 'call-offered', at: call.startedAt, pbxCallId, origin, number, callerId, calledId, groupId});
		if (answeredBefore) second.view.inject({type: 'call-answered', at: call.answeredAt!, pbxCallId});
		const resumed = second.store.getSnapshot().call!;
		expect(resumed.callId).toBe(call.callId); // the session kept the call's id across the restart…
		expect(opened.map(([kind]) => kind)).toEqual(answeredBefore ? ['ring', 'answer'] : ['ring']);

		if (!answeredBefore) await second.run({type: 'answer'});
		await second.run({type: 'hangup'});
		expect(opened.map(([kind]) => kind)).toEqual(['ring', 'answer', 'hangup']);
		// …and every pop of the call carries the callid the CRM got with the ring pop.
		expect(new Set(opened.map(([, url]) => url.searchParams.get('callid')))).toEqual(new Set([call.callId]));
		// A late duplicate end fires nothing more.
		second.view.inject({type: 'call-ended', at: clock.now(), pbxCallId, cause: 'agent-hangup'});
		expect(opened.map(([kind]) => kind)).toEqual(['ring', 'answer', 'hangup']);
		// The Pops tab of the new process shows the pops of the dead one too.
		expect(second.service.getSnapshot().recent.map((record) => record.kind)).toEqual(['hangup', 'answer', 'ring']);
		expect(second.service.getSnapshot().recent.every((record) => record.callId === call.callId)).toBe(true);
	});

	it('a new call after the restart is a new call: it rings with a new callid', async () => {
		dir = await mkdtemp(join(tmpdir(), 'ctidesk-journal-'));
		const clock = createFakeClock();
		const pbx = createSimDriver(simOptions, clock);
		const opened: Array<[string, URL]> = [];
		const pops = settings({home: {url: '', mode: 'browser'}});
		const first = await startProcess(pbx, clock, opened, pops);
		await first.run({type: 'login', user: '101', password: 'x'});
		await first.run({type: 'ready'});
		await first.run({type: 'inject-call'});
		const call = first.store.getSnapshot().call!;
		first.view.crash();
		clock.advance(3000);
		const second = await startProcess(pbx, clock, opened, pops);
		await second.run({type: 'login', user: '101', password: 'x'});
		const {origin, number, callerId, calledId, groupId} = call;
		second.view.inject({type: 'call-offered', at: clock.now(), pbxCallId: `${call.pbxCallId}-next`, origin, number, callerId, calledId, groupId});
		expect(opened.map(([kind]) => kind)).toEqual(['ring', 'ring']);
		expect(opened[1]![1].searchParams.get('callid')).toBe(second.store.getSnapshot().call!.callId);
		expect(opened[1]![1].searchParams.get('callid')).not.toBe(call.callId);
	});

	it('keeps the sid out of the journal file', async () => {
		dir = await mkdtemp(join(tmpdir(), 'ctidesk-journal-'));
		const clock = createFakeClock();
		const opened: Array<[string, URL]> = [];
		const first = await startProcess(createSimDriver(simOptions, clock), clock, opened, settings());
		await first.run({type: 'login', user: '101', password: 'x'});
		await first.run({type: 'ready'});
		await first.run({type: 'inject-call'});
		const sid = first.store.getSnapshot().agent.sid!;
		expect(opened.at(-1)![1].searchParams.get('sid')).toBe(sid);
		await first.journal.close();
		const text = await readFile(join(dir, 'pop-journal.jsonl'), 'utf8');
		expect(text).toContain('sid=***');
		expect(text).not.toContain(sid);
	});
});

describe('the wrapup pop', () => {
	it('reaches a local CRM through the outbox with the nine parameters, disposition and note; a correction fires again', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'ctidesk-wrapup-'));
		const crm = await startFakeCrm();
		let outbox: Outbox | null = null;
		let journal: PopJournal | null = null;
		try {
			const clock = createFakeClock();
			// The service's wall clock runs `extra` ms ahead once the CRM has the request: the
			// delivery latency must show it, the hand-off latency must not.
			let extra = 0;
			crm.handle = (request, response) => {
				if (request.path === '/wrapup') extra += 42;
				response.writeHead(200).end('ok');
			};
			outbox = await createOutbox({dir: join(dir, 'outbox'), clock});
			journal = await createPopJournal({file: join(dir, 'pop-journal.jsonl'), clock});
			const driver = createSimDriver(simOptions, clock);
			let lastId: string | null = null;
			const store = createSessionStore({
				driver,
				clock,
				authenticate: () => identity,
				wrapUpSeconds: 30,
				allocateCallId: (now) => (lastId = nextCallId(lastId, now)),
				createSid: () => sids[0]!,
			});
			stores.push(store);
			const launcher = createLauncher({browserCommand: '', noBrowser: false, clipboard: false, outbox, env: {DISPLAY: ':0'}, openUrl: () => Promise.resolve(undefined)});
			const off = {url: '', mode: 'off' as const};
			const service = createPopService({
				store,
				settings: {home: off, ring: off, answer: off, hangup: off, wrapup: {url: `${crm.origin}/wrapup?app=cc`, mode: 'hidden'}, loginParams: 'sid', ringOnDial: false},
				launcher,
				outbox,
				journal,
				clock: {now: () => clock.now() + extra},
			});
			services.push(service);
			await store.start();
			service.start();
			const run = async (command: Parameters<SessionStore['run']>[0]) => expect(await store.run(command)).toEqual({ok: true});
			await run({type: 'login', user: '101', password: 'x'});
			await run({type: 'ready'});
			await run({type: 'inject-call'});
			await run({type: 'answer'});
			await run({type: 'hangup'});
			const record = store.getSnapshot().recentCalls[0]!;
			expect(crm.requests).toEqual([]);

			await run({type: 'disposition', code: 'resolved', note: 'refund sent & confirmed'});
			await crm.waitForRequests(1);
			const [first] = crm.requests;
			const query = first!.url.searchParams;
			expect([...query.keys()]).toEqual(['app', 'origin', 'callid', 'number', 'callerid', 'calledid', 'groupid', 'agentid', 'empid', 'sid', 'disposition', 'note']);
			expect(Object.fromEntries(query)).toEqual({
				app: 'cc',
				origin: '1',
				callid: record.callId,
				number: record.number,
				callerid: record.callerId,
				calledid: record.calledId,
				groupid: record.groupId,
				agentid: '1',
				empid: '001',
				sid: sids[0],
				disposition: 'resolved',
				note: 'refund sent & confirmed',
			});
			await vi.waitFor(() => expect(service.getSnapshot().recent[0]).toMatchObject({kind: 'wrapup', outcome: 'delivered'}));
			const delivered = service.getSnapshot().recent[0]!;
			expect(delivered.latencyMs).toBe(0);
			expect(delivered.deliveredMs).toBeGreaterThanOrEqual(42);

			// The same code and note again: nothing new for the CRM.
			await run({type: 'disposition', code: 'resolved', note: 'refund sent & confirmed'});
			// A correction: fires again with the new code.
			await run({type: 'disposition', code: 'callback', note: null});
			await crm.waitForRequests(2);
			await vi.waitFor(() => expect(service.getSnapshot().pendingHidden).toBe(0));
			expect(crm.requests.map((request) => [request.url.searchParams.get('disposition'), request.url.searchParams.get('note')])).toEqual([
				['resolved', 'refund sent & confirmed'],
				['callback', ''],
			]);
			expect(crm.requests.every((request) => request.url.searchParams.get('callid') === record.callId)).toBe(true);
			// The claims are in the journal: a restarted process would not send either again.
			await journal.close();
			const text = await readFile(join(dir, 'pop-journal.jsonl'), 'utf8');
			const claims = text.split('\n').filter((line) => line.includes('"t":"c"') && line.includes(record.callId)).map((line) => (JSON.parse(line) as {k: string}).k);
			expect(claims.filter((key) => key.startsWith('wrapup'))).toEqual(['wrapup', 'wrapup:2']);
			expect(text).not.toContain('refund sent');
		} finally {
			await journal?.close();
			await outbox?.close();
			await crm.close();
			await rm(dir, {recursive: true, force: true});
		}
	});

	it('does not fire when no wrapup URL is configured', async () => {
		const h = await setup();
		await h.run({type: 'inject-call'});
		await h.run({type: 'hangup'});
		await h.run({type: 'disposition', code: 'resolved', note: null});
		expect(h.kinds()).toEqual(['ring', 'hangup']);
	});

	it('opens in the browser when its mode says so', async () => {
		const h = await setup({pops: settings({wrapup: {url: 'http://crm.test/wrapup', mode: 'browser'}})});
		await h.run({type: 'inject-call'});
		await h.run({type: 'answer'});
		await h.run({type: 'hangup'});
		await h.run({type: 'disposition', code: 'escalated', note: 'to tier 2'});
		expect(h.kinds()).toEqual(['ring', 'answer', 'hangup', 'wrapup']);
		const url = h.opened.at(-1)![1];
		expect(url.searchParams.get('disposition')).toBe('escalated');
		expect(url.searchParams.get('note')).toBe('to tier 2');
		expect(url.searchParams.get('callid')).toBe(h.store.getSnapshot().recentCalls[0]!.callId);
	});
});

describe('reopenLast and latency', () => {
	it('re-opens the newest browser pop without claiming it again, journalled as reopened', async () => {
		const h = await setup({pops: settings({hangup: {url: 'http://crm.test/hangup', mode: 'off'}})});
		expect(await h.service.reopenLast()).toEqual({ok: true, outcome: 'reopened'});
		await h.run({type: 'inject-call'});
		await h.run({type: 'answer'});
		await h.run({type: 'hangup'});
		const before = h.opened.length;
		const result = await h.service.reopenLast();
		expect(result).toEqual({ok: true, outcome: 'reopened'});
		expect(h.opened.length).toBe(before + 1);
		// The answer pop (the newest browser-mode one; the hangup pop is off), with the real sid.
		expect(h.opened.at(-1)![0]).toBe('answer');
		expect(h.opened.at(-1)![1].href).toBe(h.opened.at(-2)![1].href);
		expect(h.opened.at(-1)![1].searchParams.get('sid')).toBe(sids[0]);
		expect(h.service.getSnapshot().recent[0]).toMatchObject({kind: 'answer', outcome: 'reopened', detail: 'reopened by the agent'});
		// The pops of the call are still claimed once: a repeated answer event fires nothing.
		const call = h.store.getSnapshot().recentCalls[0]!;
		expect(h.kinds().filter((kind) => kind === 'answer')).toHaveLength(2);
		expect(h.activity.getEntries().some((entry) => entry.text.startsWith(`answer pop for call ${call.callId}: reopened`))).toBe(true);
	});

	it('says so when there is no browser pop to re-open', async () => {
		const h = await setup({pops: settings({home: {url: '', mode: 'browser'}})});
		expect(await h.service.reopenLast()).toEqual({ok: false, message: expect.stringContaining('No browser pop') as string});
	});

	it('measures the hand-off latency below a millisecond with hrNow', async () => {
		const clock = createFakeClock();
		let hr = 1000;
		const store = createSessionStore({
			driver: createSimDriver(simOptions, clock),
			clock,
			authenticate: () => identity,
			wrapUpSeconds: 0,
			allocateCallId: (now) => nextCallId(null, now),
		});
		stores.push(store);
		const launcher = createLauncher({
			browserCommand: '',
			noBrowser: false,
			clipboard: false,
			outbox: {enqueue: () => Promise.reject(new Error('unused'))},
			env: {DISPLAY: ':0'},
			platform: 'linux',
			openUrl: () => Promise.resolve(undefined),
		});
		// The launcher "takes" 0.37 ms: hrNow moves on while it runs.
		const slow = {...launcher, launch: (request: Parameters<typeof launcher.launch>[0]) => ((hr += 0.37), launcher.launch(request))};
		const service = createPopService({store, settings: settings({home: {url: '', mode: 'browser'}}), launcher: slow, clock, hrNow: () => hr});
		services.push(service);
		await store.start();
		service.start();
		await store.run({type: 'login', user: '101', password: 'x'});
		await store.run({type: 'ready'});
		await store.run({type: 'inject-call'});
		expect(service.getSnapshot().recent[0]).toMatchObject({kind: 'ring', latencyMs: 0.37, deliveredMs: null});
	});
});

describe('hidden pops queued when ctidesk stopped', () => {
	it('marks the earlier run’s record delivered, with its delivery latency, when the next run’s outbox delivers it', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'ctidesk-requeue-'));
		const crm = await startFakeCrm();
		const journals: PopJournal[] = [];
		const outboxes: Outbox[] = [];
		try {
			await crm.stop(); // the CRM is down during the call
			const clock = createFakeClock();
			const off = {url: '', mode: 'off' as const};
			const pops: PopSettings = {home: off, ring: {url: `${crm.origin}/ring`, mode: 'hidden'}, answer: off, hangup: off, loginParams: 'sid', ringOnDial: false};
			async function runOnce() {
				const journal = await createPopJournal({file: join(dir, 'pop-journal.jsonl'), clock});
				journals.push(journal);
				const outbox = await createOutbox({dir: join(dir, 'outbox'), clock, backoff: {initialMs: 60_000, maxMs: 60_000}});
				outboxes.push(outbox);
				const store = createSessionStore({driver: createSimDriver(simOptions, clock), clock, authenticate: () => identity, wrapUpSeconds: 0, allocateCallId: (now) => nextCallId(null, now)});
				stores.push(store);
				const launcher = createLauncher({browserCommand: '', noBrowser: false, clipboard: false, outbox, env: {}, openUrl: () => Promise.resolve(undefined)});
				const service = createPopService({store, settings: pops, launcher, outbox, journal, clock});
				services.push(service);
				service.start();
				return {store, service, outbox, journal};
			}
			const first = await runOnce();
			await first.store.start();
			await first.store.run({type: 'login', user: '101', password: 'x'});
			await first.store.run({type: 'ready'});
			await first.store.run({type: 'inject-call'});
			await vi.waitFor(() => expect(first.outbox.getSnapshot().lastError).not.toBeNull());
			expect(first.service.getSnapshot().recent[0]).toMatchObject({kind: 'ring', outcome: 'queued', deliveredMs: null});
			await first.outbox.close();
			first.service.stop();
			await first.journal.close();

			clock.advance(120_000);
			await crm.start();
			const second = await runOnce();
			await crm.waitForRequests(1);
			await vi.waitFor(() => expect(second.service.getSnapshot().recent[0]).toMatchObject({kind: 'ring', outcome: 'delivered'}));
			// From the PBX event in the first run to the 2xx in the second: the time it really took.
			expect(second.service.getSnapshot().recent[0]!.deliveredMs).toBeGreaterThanOrEqual(120_000);
		} finally {
			for (const outbox of outboxes) await outbox.close();
			for (const journal of journals) await journal.close();
			await crm.close();
			await rm(dir, {recursive: true, force: true});
		}
	});
});
