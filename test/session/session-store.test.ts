import {afterEach, beforeAll, describe, expect, it, vi} from 'vitest';
import {hashPassword, verifyPassword} from '../../source/config/password.js';
import {formatCallIdTime, isCallId, nextCallId} from '../../source/core/call-id.js';
import type {
	AgentIdentity,
	AgentState,
	Command,
	Result,
	SessionEvent,
	SessionState,
} from '../../source/core/types.js';
import type {Driver} from '../../source/cti/driver.js';
import {createSimDriver, offerPauseMs, type SimOptions} from '../../source/cti/sim/sim-driver.js';
import {
	createSessionStore,
	type SessionStore,
	type SessionStoreOptions,
} from '../../source/session/session-store.js';
import {createFakeClock, type FakeClock} from '../helpers/fake-clock.js';

// The store over the real simulator: no arrivals, no other agents, customers who never hang up
// first, so every call in a test is one the test put there.
const simOptions: SimOptions = {
	seed: 11,
	arrivalsPerMinute: 0,
	patienceSeconds: 600,
	ringSeconds: 15,
	otherAgents: 0,
	talkSeconds: 1e7,
	groups: ['1'],
	agentNumber: '801',
};

const identity: AgentIdentity = {
	user: '101',
	agentId: '1',
	empId: '001',
	extension: '801',
	groups: ['1'],
};
const sid = 'A1B2C3D4E5F60718293A4B5C6D7E8F90';
let directory: Array<{user: string; password: string; identity: AgentIdentity}>;

beforeAll(() => {
	// One scrypt hash for the file (tens of ms), checked at every login like the real directory.
	directory = [{user: '101', password: hashPassword('s3cret'), identity}];
});

function authenticate(user: string, secret: string): AgentIdentity | null {
	const entry = directory.find((candidate) => candidate.user === user);
	return entry && verifyPassword(secret, entry.password) ? entry.identity : null;
}

interface Seen {
	event: SessionEvent;
	previous: SessionState;
	next: SessionState;
	snapshot: SessionState;
}

interface Harness {
	clock: FakeClock;
	driver: Driver;
	store: SessionStore;
	seen: Seen[];
	run(command: Command): Promise<Result>;
	state(): AgentState;
	types(): string[];
	take(): Seen[];
}

const stores: SessionStore[] = [];
afterEach(async () => {
	for (const store of stores.splice(0)) await store.stop();
});

async function setup(
	options: Partial<SessionStoreOptions> = {},
	{login = false, ready = false}: {login?: boolean; ready?: boolean} = {},
): Promise<Harness> {
	const clock = createFakeClock();
	const driver = options.driver ?? createSimDriver(simOptions, clock);
	let lastId: string | null = null;
	const store = createSessionStore({
		driver,
		clock,
		authenticate,
		wrapUpSeconds: 30,
		allocateCallId: (now) => (lastId = nextCallId(lastId, now)),
		createSid: () => sid,
		...options,
	});
	stores.push(store);
	const seen: Seen[] = [];
	store.onEvent((event, previous, next) =>
		seen.push({event, previous, next, snapshot: store.getSnapshot()}),
	);
	await store.start();
	const harness: Harness = {
		clock,
		driver,
		store,
		seen,
		run: (command) => store.run(command),
		state: () => store.getSnapshot().agent.state,
		types: () => seen.map((item) => item.event.type),
		take: () => seen.splice(0),
	};
	if (login)
		expect(await store.run({type: 'login', user: '101', password: 's3cret'})).toEqual({ok: true});
	if (ready) expect(await store.run({type: 'ready'})).toEqual({ok: true});
	harness.take();
	return harness;
}

/** Lets every queued command and promise callback run (the store's queue is promise-based). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Injects a caller and answers it: the agent is talking when this resolves. */
async function talking(h: Harness) {
	expect(await h.run({type: 'inject-call'})).toEqual({ok: true});
	expect(h.state()).toBe('ringing');
	expect(await h.run({type: 'answer'})).toEqual({ok: true});
	expect(h.state()).toBe('talking');
}

describe('session store: login', () => {
	it('logs in with the right password: not-ready, identity and session id', async () => {
		const h = await setup();
		expect(h.state()).toBe('logged-out');
		expect(h.store.getSnapshot().pbx.connected).toBe(true);
		expect(await h.run({type: 'login', user: '101', password: 's3cret'})).toEqual({ok: true});
		expect(h.store.getSnapshot().agent).toMatchObject({state: 'not-ready', identity, sid});
		expect(h.types()).toContain('agent-logged-in');
	});

	it.each([
		['a wrong password', '101', 'secret'],
		['an unknown user', '999', 's3cret'],
		['an empty password', '101', ''],
	])('refuses %s with auth-failed and changes nothing', async (_title, user, password) => {
		const h = await setup();
		h.take();
		const before = h.store.getSnapshot();
		const result = await h.run({type: 'login', user, password});
		expect(result).toMatchObject({ok: false, code: 'auth-failed'});
		expect(h.store.getSnapshot()).toBe(before);
		expect(h.seen).toEqual([]);
	});

	it('logs out from ready and forgets the identity', async () => {
		const h = await setup({}, {login: true, ready: true});
		expect(await h.run({type: 'logout'})).toEqual({ok: true});
		expect(h.store.getSnapshot().agent).toMatchObject({
			state: 'logged-out',
			identity: null,
			sid: null,
		});
	});
});

describe('session store: an inbound call from ring to wrap-up', () => {
	it('goes ready → ringing → talking → wrap-up → ready when the wrap-up timer ends', async () => {
		const h = await setup({}, {login: true, ready: true});
		expect(h.state()).toBe('ready');
		await talking(h);
		expect(await h.run({type: 'hangup'})).toEqual({ok: true});
		const wrapUp = h.store.getSnapshot().agent;
		expect(wrapUp).toMatchObject({state: 'wrap-up', presence: 'not-ready', reason: 'wrap-up'});
		expect(wrapUp.wrapUp).toMatchObject({until: h.clock.now() + 30_000, returnTo: 'ready'});

		h.clock.advance(29_000);
		expect(h.state()).toBe('wrap-up');
		h.clock.advance(1000);
		await vi.waitFor(() => expect(h.state()).toBe('ready'));
		const state = h.store.getSnapshot();
		expect(state.agent).toMatchObject({presence: 'ready', wrapUp: null, since: h.clock.now()});
		expect(state.shift).toMatchObject({callsHandled: 1, wrapUpMs: 30_000});
		expect(state.recentCalls).toHaveLength(1);
	});

	it('uses one seed-format call id for the whole call', async () => {
		const h = await setup({}, {login: true, ready: true});
		await talking(h);
		const offered = h.seen.find((item) => item.event.type === 'call-offered')!.event;
		const callId = 'callId' in offered ? offered.callId : '';
		expect(isCallId(callId)).toBe(true);
		expect(callId).toBe(formatCallIdTime(h.clock.now()) + '001');
		expect(h.store.getSnapshot().call?.callId).toBe(callId);
		await h.run({type: 'hangup'});
		expect(h.store.getSnapshot().recentCalls[0]?.callId).toBe(callId);
		for (const {previous, next} of h.seen) {
			for (const call of [previous.call, next.call]) if (call) expect(call.callId).toBe(callId);
		}
	});

	it('gives the next call a new call id', async () => {
		const h = await setup({wrapUpSeconds: 0}, {login: true, ready: true});
		await talking(h);
		const first = h.store.getSnapshot().call!.callId;
		await h.run({type: 'hangup'});
		h.clock.advance(offerPauseMs);
		await talking(h);
		const second = h.store.getSnapshot().call!.callId;
		expect(second).not.toBe(first);
		expect(second > first).toBe(true);
	});

	it('ends wrap-up early when the agent presses ready, and the timer does nothing later', async () => {
		const h = await setup({}, {login: true, ready: true});
		await talking(h);
		await h.run({type: 'hangup'});
		h.clock.advance(10_000);
		expect(await h.run({type: 'ready'})).toEqual({ok: true});
		expect(h.store.getSnapshot().agent).toMatchObject({
			state: 'ready',
			presence: 'ready',
			wrapUp: null,
		});
		expect(h.store.getSnapshot().shift.wrapUpMs).toBe(10_000);
		h.take();
		h.clock.advance(60_000);
		await settle();
		expect(h.seen).toEqual([]);
	});

	it('goes not-ready with the chosen reason when the agent goes away during wrap-up', async () => {
		const h = await setup({}, {login: true, ready: true});
		await talking(h);
		await h.run({type: 'hangup'});
		expect(await h.run({type: 'away', reason: 'lunch'})).toEqual({ok: true});
		expect(h.store.getSnapshot().agent).toMatchObject({
			state: 'not-ready',
			reason: 'lunch',
			wrapUp: null,
		});
		h.clock.advance(60_000);
		await settle();
		expect(h.store.getSnapshot().agent).toMatchObject({state: 'not-ready', reason: 'lunch'});
	});

	it('returns to not-ready after an outbound call placed from not-ready', async () => {
		const h = await setup({}, {login: true});
		expect(await h.run({type: 'away', reason: 'callbacks'})).toEqual({ok: true});
		expect(await h.run({type: 'dial', number: '5551234'})).toEqual({ok: true});
		expect(h.state()).toBe('dialing');
		h.clock.advance(3000);
		expect(h.state()).toBe('talking');
		expect(h.store.getSnapshot().call).toMatchObject({origin: 2, number: '5551234'});
		await h.run({type: 'hangup'});
		expect(h.store.getSnapshot().agent.wrapUp).toMatchObject({
			returnTo: 'not-ready',
			returnReason: 'callbacks',
		});
		h.clock.advance(30_000);
		await vi.waitFor(() => expect(h.state()).toBe('not-ready'));
		expect(h.store.getSnapshot().agent).toMatchObject({presence: 'not-ready', reason: 'callbacks'});
	});

	it('goes straight back to ready after a call when wrap-up is off', async () => {
		const h = await setup({wrapUpSeconds: 0}, {login: true, ready: true});
		await talking(h);
		await h.run({type: 'hangup'});
		expect(h.store.getSnapshot().agent).toMatchObject({state: 'ready', wrapUp: null});
		expect(h.types()).not.toContain('wrap-up-started');
	});

	it('starts no wrap-up after a missed call (ring timeout pauses the agent)', async () => {
		const h = await setup({}, {login: true, ready: true});
		await h.run({type: 'inject-call'});
		h.clock.advance(15_000);
		expect(h.store.getSnapshot().agent).toMatchObject({
			state: 'not-ready',
			reason: 'ring-no-answer',
			wrapUp: null,
		});
		expect(h.store.getSnapshot().shift).toMatchObject({callsHandled: 0, callsMissed: 1});
	});

	it('keeps the return state when a call is placed during wrap-up, and times the next wrap-up afresh', async () => {
		const h = await setup({}, {login: true, ready: true});
		await talking(h);
		await h.run({type: 'hangup'});
		h.clock.advance(20_000);
		expect(await h.run({type: 'dial', number: '5551234'})).toEqual({ok: true});
		h.clock.advance(3000);
		expect(h.state()).toBe('talking');
		h.clock.advance(20_000); // the first wrap-up's timer would have fired by now
		await settle();
		expect(h.state()).toBe('talking');
		await h.run({type: 'hangup'});
		expect(h.state()).toBe('wrap-up');
		expect(h.store.getSnapshot().agent.wrapUp).toMatchObject({
			returnTo: 'ready',
			until: h.clock.now() + 30_000,
		});
		h.clock.advance(29_000);
		await settle();
		expect(h.state()).toBe('wrap-up');
		h.clock.advance(1000);
		await vi.waitFor(() => expect(h.state()).toBe('ready'));
		expect(h.store.getSnapshot().agent).toMatchObject({presence: 'ready', reason: null});
		expect(h.store.getSnapshot().shift.wrapUpMs).toBe(20_000 + 30_000);
	});

	it('resumes the interrupted wrap-up when a call placed from it fails', async () => {
		const h = await setup({}, {login: true, ready: true});
		await talking(h);
		await h.run({type: 'hangup'});
		h.clock.advance(10_000);
		expect(await h.run({type: 'dial', number: '5551286'})).toEqual({ok: true}); // busy after 1.5 s
		h.clock.advance(1500);
		expect(h.store.getSnapshot().call).toBeNull();
		expect(h.state()).toBe('wrap-up');
		// 20 s of the first wrap-up were left when the call started.
		h.clock.advance(19_000);
		await settle();
		expect(h.state()).toBe('wrap-up');
		h.clock.advance(1000);
		await vi.waitFor(() => expect(h.state()).toBe('ready'));
	});
});

describe('session store: commands', () => {
	it.each<[string, Command, boolean, boolean]>([
		['answer with no call ringing', {type: 'answer'}, true, true],
		['hold with no call', {type: 'hold'}, true, true],
		['ready while ready', {type: 'ready'}, true, true],
		['dial while logged out', {type: 'dial', number: '5551234'}, false, false],
		['logout while logged out', {type: 'logout'}, false, false],
		['a number the PBX refuses', {type: 'dial', number: '555-CALL-ME'}, true, true],
	])(
		'refuses %s and changes nothing (same snapshot, no events)',
		async (_title, command, login, ready) => {
			const h = await setup({}, {login, ready});
			const before = h.store.getSnapshot();
			let notified = 0;
			h.store.subscribe(() => (notified += 1));
			const result = await h.run(command);
			expect(result.ok).toBe(false);
			if (!result.ok) expect(result.message).not.toMatch(/undefined/);
			expect(h.store.getSnapshot()).toBe(before);
			expect(h.seen).toEqual([]);
			expect(notified).toBe(0);
		},
	);

	it('refuses while talking to log out, and the call goes on', async () => {
		const h = await setup({}, {login: true, ready: true});
		await talking(h);
		h.take();
		const before = h.store.getSnapshot();
		expect(await h.run({type: 'logout'})).toMatchObject({ok: false, code: 'not-allowed'});
		expect(h.store.getSnapshot()).toBe(before);
	});

	it('runs commands one after another, each checked at its turn', async () => {
		const h = await setup({}, {login: true});
		const [first, second] = await Promise.all([h.run({type: 'ready'}), h.run({type: 'ready'})]);
		expect(first).toEqual({ok: true});
		expect(second).toMatchObject({ok: false, code: 'not-allowed'});
		const [away, back] = await Promise.all([
			h.run({type: 'away', reason: 'lunch'}),
			h.run({type: 'ready'}),
		]);
		expect([away, back]).toEqual([{ok: true}, {ok: true}]);
		expect(h.state()).toBe('ready');
	});

	it('does not start a command before the one ahead of it has finished', async () => {
		const clock = createFakeClock();
		const sim = createSimDriver(simOptions, clock);
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const calls: string[] = [];
		const driver: Driver = {
			...sim,
			async setReady() {
				calls.push('setReady:start');
				await gate;
				const result = await sim.setReady();
				calls.push('setReady:end');
				return result;
			},
			async setNotReady(reason) {
				calls.push(`setNotReady:${reason}`);
				return sim.setNotReady(reason);
			},
		};
		const h = await setup({driver, clock}, {login: true});
		const ready = h.run({type: 'ready'});
		const away = h.run({type: 'away', reason: 'lunch'});
		await vi.waitFor(() => expect(calls).toEqual(['setReady:start']));
		await settle();
		expect(calls).toEqual(['setReady:start']);
		release();
		expect(await Promise.all([ready, away])).toEqual([{ok: true}, {ok: true}]);
		expect(calls).toEqual(['setReady:start', 'setReady:end', 'setNotReady:lunch']);
		expect(h.store.getSnapshot().agent).toMatchObject({state: 'not-ready', reason: 'lunch'});
	});

	it('turns a driver that throws into a refusal and keeps serving commands', async () => {
		const clock = createFakeClock();
		const sim = createSimDriver(simOptions, clock);
		const driver: Driver = {...sim, setReady: () => Promise.reject(new Error('socket closed'))};
		const h = await setup({driver, clock}, {login: true});
		expect(await h.run({type: 'ready'})).toMatchObject({
			ok: false,
			message: expect.stringContaining('socket closed'),
		});
		expect(await h.run({type: 'away', reason: 'lunch'})).toEqual({ok: true});
	});

	it('keeps the wrap-up when the PBX refuses to end it', async () => {
		const clock = createFakeClock();
		const sim = createSimDriver(simOptions, clock);
		let refuseReady = false;
		const driver: Driver = {
			...sim,
			setReady: () =>
				refuseReady
					? Promise.resolve({ok: false, code: 'pbx-refused', message: 'Queue is locked.'})
					: sim.setReady(),
		};
		const h = await setup({driver, clock}, {login: true, ready: true});
		await talking(h);
		await h.run({type: 'hangup'});
		refuseReady = true;
		expect(await h.run({type: 'ready'})).toMatchObject({ok: false, code: 'pbx-refused'});
		expect(h.state()).toBe('wrap-up');
	});
});

describe('session store: events', () => {
	it('tells onEvent listeners (event, previous, next) with strictly increasing seq', async () => {
		const h = await setup();
		await h.run({type: 'login', user: '101', password: 's3cret'});
		await h.run({type: 'ready'});
		await talking(h);
		await h.run({type: 'hold'});
		await h.run({type: 'unhold'});
		await h.run({type: 'hangup'});
		expect(h.seen.length).toBeGreaterThan(8);
		let previousSeq = h.seen[0]!.previous.seq;
		for (const {event, previous, next, snapshot} of h.seen) {
			expect(event.seq).toBe(previousSeq + 1);
			expect(previous.seq).toBe(previousSeq);
			expect(next.seq).toBe(event.seq);
			expect(next).toBe(snapshot);
			previousSeq = event.seq;
		}
		expect(h.store.getSnapshot().seq).toBe(previousSeq);
	});

	it('replays the same events through eventsSince', async () => {
		const h = await setup({}, {login: true, ready: true});
		const mark = h.store.getSnapshot().seq;
		await talking(h);
		await h.run({type: 'hangup'});
		// Every event but superseded queue lists (each queue-changed carries the whole list).
		const seen = h.seen.map((item) => item.event);
		const lastQueue = seen.filter((event) => event.type === 'queue-changed').at(-1);
		expect(h.store.eventsSince(mark)).toEqual(
			seen.filter((event) => event.type !== 'queue-changed' || event === lastQueue),
		);
		expect(h.store.eventsSince(h.store.getSnapshot().seq)).toEqual([]);
		expect(h.store.eventsSince(0)?.[0]?.seq).toBe(1);
	});

	it('says null from eventsSince when the replay buffer dropped events', async () => {
		const h = await setup({replayLimit: 3}, {login: true, ready: true});
		await talking(h);
		expect(h.store.eventsSince(0)).toBeNull();
		const last = h.store.getSnapshot().seq;
		expect(h.store.eventsSince(last - 3)?.map((event) => event.seq)).toEqual([
			last - 2,
			last - 1,
			last,
		]);
	});

	it('keeps the snapshot object between changes', async () => {
		const h = await setup({}, {login: true, ready: true});
		const snapshot = h.store.getSnapshot();
		expect(h.store.getSnapshot()).toBe(snapshot);
		h.clock.advance(60_000);
		expect(h.store.getSnapshot()).toBe(snapshot);
	});

	it('keeps working when a subscriber or an event listener throws, and reports the errors', async () => {
		const errors: unknown[] = [];
		const h = await setup({onError: (error) => errors.push(error)}, {login: true});
		const unsubscribeBad = h.store.subscribe(() => {
			throw new Error('render failed');
		});
		h.store.onEvent(() => {
			throw new Error('pop failed');
		});
		let notified = 0;
		h.store.subscribe(() => (notified += 1));
		expect(await h.run({type: 'ready'})).toEqual({ok: true});
		expect(h.state()).toBe('ready');
		expect(notified).toBeGreaterThan(0);
		await talking(h);
		expect(h.types()).toContain('call-answered');
		const messages = new Set(errors.map((error) => (error as Error).message));
		expect(messages).toEqual(new Set(['render failed', 'pop failed']));
		unsubscribeBad();
	});

	it('stops telling a listener once it unsubscribed', async () => {
		const h = await setup({}, {login: true});
		let count = 0;
		const unsubscribe = h.store.onEvent(() => (count += 1));
		await h.run({type: 'ready'});
		const afterFirst = count;
		expect(afterFirst).toBeGreaterThan(0);
		unsubscribe();
		await h.run({type: 'away', reason: 'lunch'});
		expect(count).toBe(afterFirst);
	});
});

describe('session store: stop', () => {
	it('clears the wrap-up timer and the driver timers', async () => {
		const h = await setup({}, {login: true, ready: true});
		await talking(h);
		await h.run({type: 'hangup'});
		expect(h.clock.pending()).toBeGreaterThan(0);
		await h.store.stop();
		expect(h.clock.pending()).toBe(0);
		expect(h.store.getSnapshot().pbx.connected).toBe(false);
	});

	it('records a call that was up when the store stopped, and starts no wrap-up for it', async () => {
		const h = await setup({}, {login: true, ready: true});
		await talking(h);
		await h.store.stop();
		const state = h.store.getSnapshot();
		expect(state.call).toBeNull();
		expect(state.recentCalls[0]).toMatchObject({endCause: 'connection-lost'});
		expect(h.clock.pending()).toBe(0);
		expect(h.types()).not.toContain('wrap-up-started');
	});
});

describe('session store: the desk goes away (terminal lost)', () => {
	it('pauses the agent with reason "desk closed" and keeps the call up', async () => {
		const h = await setup({}, {login: true, ready: true});
		await talking(h);
		expect(await h.store.leaveDesk('pause')).toEqual({ok: true});
		expect(h.store.getSnapshot().agent).toMatchObject({
			presence: 'not-ready',
			reason: 'desk closed',
		});
		expect(h.store.getSnapshot().call).toMatchObject({state: 'talking'});
	});

	it('logs out when no call is up, and pauses instead while one is', async () => {
		const idle = await setup({}, {login: true, ready: true});
		expect(await idle.store.leaveDesk('logout')).toEqual({ok: true});
		expect(idle.state()).toBe('logged-out');
		const busy = await setup({}, {login: true, ready: true});
		await talking(busy);
		expect(await busy.store.leaveDesk('logout')).toEqual({ok: true});
		expect(busy.store.getSnapshot().agent).toMatchObject({
			presence: 'not-ready',
			reason: 'desk closed',
		});
		expect(busy.store.getSnapshot().call).not.toBeNull();
	});
});

describe('session store: hangup during a consult', () => {
	it('ends the consult leg and returns to the held customer, never dropping them', async () => {
		const h = await setup({}, {login: true, ready: true});
		await talking(h);
		expect(await h.run({type: 'transfer', target: '2001', mode: 'consult'})).toEqual({ok: true});
		h.clock.advance(3000);
		expect(h.store.getSnapshot().call?.consult).toMatchObject({target: '2001', state: 'talking'});
		h.take();
		expect(await h.run({type: 'hangup'})).toEqual({ok: true});
		const call = h.store.getSnapshot().call;
		expect(call).toMatchObject({consult: null, state: 'talking'});
		expect(h.types()).toContain('consult-ended');
		expect(h.types()).not.toContain('call-ended');
		// The next hangup ends the call with the customer.
		expect(await h.run({type: 'hangup'})).toEqual({ok: true});
		expect(h.store.getSnapshot().call).toBeNull();
	});

	it('also ends a consult that is still ringing', async () => {
		const h = await setup({}, {login: true, ready: true});
		await talking(h);
		await h.run({type: 'transfer', target: '2001', mode: 'consult'});
		expect(await h.run({type: 'hangup'})).toEqual({ok: true});
		expect(h.store.getSnapshot().call).toMatchObject({consult: null, state: 'talking'});
	});
});

describe('session store: coding any recent call', () => {
	it('codes the call named by callId, not only the last one, and refuses a call it does not know', async () => {
		const h = await setup({wrapUpSeconds: 0}, {login: true, ready: true});
		await talking(h);
		await h.run({type: 'hangup'});
		await h.run({type: 'inject-call'});
		h.clock.advance(3000);
		await h.run({type: 'answer'});
		await h.run({type: 'hangup'});
		expect(h.store.getSnapshot().recentCalls).toHaveLength(2);
		const [newer, older] = h.store.getSnapshot().recentCalls;
		expect(await h.run({type: 'disposition', callId: older!.callId, code: 'resolved', note: 'first call'})).toEqual({ok: true});
		const calls = h.store.getSnapshot().recentCalls;
		expect(calls.find((call) => call.callId === older!.callId)).toMatchObject({disposition: 'resolved', note: 'first call'});
		expect(calls.find((call) => call.callId === newer!.callId)?.disposition ?? null).toBeNull();
		const refused = await h.run({type: 'disposition', callId: '20000101000000001', code: 'resolved', note: null});
		expect(refused).toMatchObject({ok: false, code: 'not-allowed'});
	});
});
