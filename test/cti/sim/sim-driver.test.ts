import {describe, expect, it} from 'vitest';
import type {AgentIdentity, DriverEvent, QueueEntry} from '../../../source/core/types.js';
import type {Driver} from '../../../source/cti/driver.js';
import {
	createSimDriver,
	offerPauseMs,
	type SimOptions,
} from '../../../source/cti/sim/sim-driver.js';
import {nextCallId} from '../../../source/core/call-id.js';
import {createSessionStore} from '../../../source/session/session-store.js';
import {createFakeClock, type FakeClock} from '../../helpers/fake-clock.js';

// Defaults that keep a test quiet unless it asks for noise: no arrivals, no other agents,
// callers patient for 5–15 minutes, customers who (practically) never hang up first.
const base: SimOptions = {
	seed: 7,
	arrivalsPerMinute: 0,
	patienceSeconds: 600,
	ringSeconds: 15,
	otherAgents: 0,
	talkSeconds: 1e7,
	groups: ['1', '2'],
	agentNumber: '101',
};

const identity: AgentIdentity = {
	user: '101',
	agentId: '1',
	empId: '001',
	extension: '101',
	groups: ['1', '2'],
};

type EventOf<T extends DriverEvent['type']> = Extract<DriverEvent, {type: T}>;

interface Harness {
	clock: FakeClock;
	driver: Driver;
	/** Events since the last `take` (lastQueue looks at every event). */
	events: DriverEvent[];
	/** Removes and returns the events collected so far. */
	take(): DriverEvent[];
	of<T extends DriverEvent['type']>(type: T): EventOf<T>[];
	lastQueue(): QueueEntry[];
}

async function start(
	overrides: Partial<SimOptions> = {},
	{login = true, ready = false}: {login?: boolean; ready?: boolean} = {},
): Promise<Harness> {
	const clock = createFakeClock();
	const driver = createSimDriver({...base, ...overrides}, clock);
	const events: DriverEvent[] = [];
	const log: DriverEvent[] = [];
	driver.onEvent((event) => {
		events.push(event);
		log.push(event);
	});
	await driver.connect();
	if (login) expect(await driver.login(identity)).toEqual({ok: true});
	if (ready) expect(await driver.setReady()).toEqual({ok: true});
	return {
		clock,
		driver,
		events,
		take: () => events.splice(0),
		of: <T extends DriverEvent['type']>(type: T) =>
			events.filter((event): event is EventOf<T> => event.type === type),
		lastQueue() {
			const queues = log.filter(
				(event): event is EventOf<'queue-changed'> => event.type === 'queue-changed',
			);
			return queues.at(-1)?.entries ?? [];
		},
	};
}

/** Injects a caller while the agent is ready and returns the offer that follows at once. */
async function offerOne(sim: Harness): Promise<EventOf<'call-offered'>> {
	expect(await sim.driver.injectCall!()).toEqual({ok: true});
	const offered = sim.of('call-offered').at(-1);
	expect(offered).toBeDefined();
	return offered!;
}

async function talking(sim: Harness): Promise<string> {
	const offered = await offerOne(sim);
	expect(await sim.driver.answer()).toEqual({ok: true});
	sim.take();
	return offered.pbxCallId;
}

describe('sim driver: connection and login', () => {
	it('announces the connection, logs in paused and goes ready and away on command', async () => {
		const sim = await start({}, {login: false});
		const at = sim.clock.now();
		expect(sim.take()).toEqual([{type: 'connection-changed', at, connected: true, message: null}]);
		expect(sim.driver.name).toBe('sim');
		expect(sim.driver.capabilities).toMatchObject({
			answer: true,
			hold: true,
			dial: true,
			blindTransfer: true,
			consultTransfer: true,
			conference: true,
			dtmf: true,
			mute: true,
			injectCall: true,
		});

		await sim.driver.login(identity);
		await sim.driver.setReady();
		await sim.driver.setNotReady('lunch');
		await sim.driver.logout();
		expect(sim.take()).toEqual([
			{type: 'agent-state-changed', at, state: 'not-ready', reason: null},
			{type: 'queue-changed', at, entries: []},
			{type: 'agent-state-changed', at, state: 'ready', reason: null},
			{type: 'agent-state-changed', at, state: 'not-ready', reason: 'lunch'},
			{type: 'agent-state-changed', at, state: 'logged-out', reason: null},
			{type: 'queue-changed', at, entries: []},
		]);
	});

	it('refuses every command with pbx-unavailable before connect and after disconnect', async () => {
		const clock = createFakeClock();
		const driver = createSimDriver(base, clock);
		const events: DriverEvent[] = [];
		driver.onEvent((event) => events.push(event));
		const everyCommand = () => [
			driver.login(identity),
			driver.logout(),
			driver.setReady(),
			driver.setNotReady('break'),
			driver.dial('5551234'),
			driver.answer(),
			driver.hangup(),
			driver.hold(),
			driver.unhold(),
			driver.transfer('102', 'blind'),
			driver.completeTransfer(),
			driver.cancelTransfer(),
			driver.conference(),
			driver.sendDtmf('1'),
			driver.mute(),
			driver.unmute(),
			driver.injectCall!(),
		];
		for (const result of await Promise.all(everyCommand())) {
			expect(result).toMatchObject({ok: false, code: 'pbx-unavailable'});
		}
		expect(events).toEqual([]);

		await driver.connect();
		await driver.disconnect();
		expect(events.map((event) => event.type)).toEqual(['connection-changed', 'connection-changed']);
		expect(events[1]).toMatchObject({connected: false});
		for (const result of await Promise.all(everyCommand())) {
			expect(result).toMatchObject({ok: false, code: 'pbx-unavailable'});
		}
		expect(events).toHaveLength(2);
	});

	it('keeps at most one clock timer and clears it on disconnect', async () => {
		const sim = await start(
			{arrivalsPerMinute: 30, otherAgents: 4, talkSeconds: 60},
			{ready: true},
		);
		for (let minute = 0; minute < 10; minute++) {
			sim.clock.advance(60_000);
			expect(sim.clock.pending()).toBe(1);
		}
		await sim.driver.disconnect();
		expect(sim.clock.pending()).toBe(0);
	});

	it('never arms a clock timer longer than an hour, even for happenings days away', async () => {
		const fake = createFakeClock();
		const delays: number[] = [];
		const clock = {
			...fake,
			setTimeout(callback: () => void, ms: number) {
				delays.push(ms);
				return fake.setTimeout(callback, ms);
			},
		};
		const driver = createSimDriver(
			{...base, patienceSeconds: 1e9, talkSeconds: 1e9, ringSeconds: 1e9},
			clock,
		);
		await driver.connect();
		await driver.login(identity);
		await driver.setReady();
		await driver.injectCall!();
		await driver.answer();
		fake.advance(3 * 3_600_000);
		expect(delays.length).toBeGreaterThan(1);
		expect(Math.max(...delays)).toBeLessThanOrEqual(3_600_000);
	});

	it('ends a call that is up with connection-lost when disconnected', async () => {
		const sim = await start({}, {ready: true});
		const pbxCallId = await talking(sim);
		await sim.driver.disconnect();
		expect(sim.take().map((event) => event.type)).toEqual(['call-ended', 'connection-changed']);
		expect(sim.events).toEqual([]);
		sim.clock.advance(3_600_000);
		expect(sim.events).toEqual([]);
		expect(pbxCallId).toMatch(/^sim-/);
	});
});

describe('sim driver: inbound calls', () => {
	it('offers a waiting caller to the ready agent and connects it on answer', async () => {
		const sim = await start({}, {ready: true});
		sim.take();
		const at = sim.clock.now();
		await sim.driver.injectCall!();
		const [queued, offered] = sim.take();
		expect(queued).toMatchObject({
			type: 'queue-changed',
			at,
			entries: [{groupId: '1', waitingSince: at}],
		});
		const entry = (queued as EventOf<'queue-changed'>).entries[0]!;
		expect(entry.number).toMatch(/^(1[358]\d{9}|0(10|21|20)\d{8})$/);
		expect(offered).toEqual({
			type: 'call-offered',
			at,
			pbxCallId: entry.id,
			origin: 1,
			number: entry.number,
			callerId: entry.number,
			calledId: '801',
			groupId: '1',
		});

		sim.clock.advance(4000);
		expect(await sim.driver.answer()).toEqual({ok: true});
		expect(sim.take()).toEqual([
			{type: 'call-answered', at: at + 4000, pbxCallId: entry.id},
			{type: 'queue-changed', at: at + 4000, entries: []},
		]);
	});

	it('lets a waiting caller abandon after its patience, without offering it to a not-ready agent', async () => {
		const sim = await start({patienceSeconds: 60});
		sim.take();
		const joined = sim.clock.now();
		await sim.driver.injectCall!();
		sim.clock.advance(90_000);
		const queues = sim.of('queue-changed');
		expect(queues).toHaveLength(2);
		expect(queues[1]!.entries).toEqual([]);
		// Patience is drawn in 0.5–1.5 × patienceSeconds.
		expect(queues[1]!.at - joined).toBeGreaterThanOrEqual(30_000);
		expect(queues[1]!.at - joined).toBeLessThanOrEqual(90_000);
		expect(sim.of('call-offered')).toEqual([]);
	});

	it('on ring timeout ends the offer with no-answer, pauses the agent and keeps the caller at the head', async () => {
		const sim = await start({}, {ready: true});
		const first = await offerOne(sim);
		sim.clock.advance(5000);
		await sim.driver.injectCall!();
		const waitingSince = sim.lastQueue()[0]!.waitingSince;
		sim.take();

		sim.clock.advance(10_000);
		expect(sim.take()).toEqual([
			{type: 'call-ended', at: first.at + 15_000, pbxCallId: first.pbxCallId, cause: 'no-answer'},
			{
				type: 'agent-state-changed',
				at: first.at + 15_000,
				state: 'not-ready',
				reason: 'ring-no-answer',
			},
		]);
		expect(sim.lastQueue().map((entry) => entry.id)).toEqual([first.pbxCallId, expect.any(String)]);

		// Ready again: the same caller, still first and with its original waitingSince, rings again.
		await sim.driver.setReady();
		sim.clock.advance(offerPauseMs);
		const again = sim.of('call-offered');
		expect(again).toHaveLength(1);
		expect(again[0]!.pbxCallId).toBe(first.pbxCallId);
		expect(sim.lastQueue()[0]).toMatchObject({id: first.pbxCallId, waitingSince});
	});

	it('ends the offer with customer-hangup when the caller gives up while the phone rings', async () => {
		const sim = await start({patienceSeconds: 10, ringSeconds: 30}, {ready: true});
		const offered = await offerOne(sim);
		sim.take();
		sim.clock.advance(30_000);
		const [ended, queue, ...rest] = sim.take();
		expect(ended).toMatchObject({
			type: 'call-ended',
			pbxCallId: offered.pbxCallId,
			cause: 'customer-hangup',
		});
		expect(ended!.at - offered.at).toBeLessThan(15_000);
		expect(queue).toMatchObject({type: 'queue-changed', at: ended!.at, entries: []});
		// The agent stays ready: the caller left, not the agent.
		expect(rest).toEqual([]);
	});

	it('lets the customer hang up mid-call after a talk time', async () => {
		const sim = await start({talkSeconds: 20}, {ready: true});
		const pbxCallId = await talking(sim);
		const answeredAt = sim.clock.now();
		sim.clock.advance(3_600_000);
		const [ended] = sim.of('call-ended');
		expect(ended).toMatchObject({pbxCallId, cause: 'customer-hangup'});
		expect(ended!.at).toBeGreaterThan(answeredAt);
	});

	it('rings this agent first; free other agents leave that caller alone until the ring times out', async () => {
		const sim = await start({otherAgents: 2, talkSeconds: 60}, {ready: true});
		const offered = await offerOne(sim);
		sim.clock.advance(14_999);
		expect(sim.lastQueue().map((entry) => entry.id)).toEqual([offered.pbxCallId]);
		sim.take();
		sim.clock.advance(1);
		// No answer here: the caller goes straight to a free colleague.
		expect(sim.take()).toEqual([
			{
				type: 'call-ended',
				at: offered.at + 15_000,
				pbxCallId: offered.pbxCallId,
				cause: 'no-answer',
			},
			{
				type: 'agent-state-changed',
				at: offered.at + 15_000,
				state: 'not-ready',
				reason: 'ring-no-answer',
			},
			{type: 'queue-changed', at: offered.at + 15_000, entries: []},
		]);
	});

	it('treats hanging up a ringing call as a rejection: the caller keeps its place and rings again', async () => {
		const sim = await start({}, {ready: true});
		const offered = await offerOne(sim);
		sim.take();
		expect(await sim.driver.hangup()).toEqual({ok: true});
		expect(sim.take()).toEqual([
			{type: 'call-ended', at: offered.at, pbxCallId: offered.pbxCallId, cause: 'agent-hangup'},
		]);
		expect(sim.lastQueue().map((entry) => entry.id)).toEqual([offered.pbxCallId]);
		sim.clock.advance(offerPauseMs);
		expect(sim.of('call-offered')).toMatchObject([
			{pbxCallId: offered.pbxCallId, at: offered.at + offerPauseMs},
		]);
	});

	it('ends the call with agent-hangup when the agent hangs up', async () => {
		const sim = await start({}, {ready: true});
		const pbxCallId = await talking(sim);
		const at = sim.clock.now();
		expect(await sim.driver.hangup()).toEqual({ok: true});
		expect(sim.take()).toEqual([{type: 'call-ended', at, pbxCallId, cause: 'agent-hangup'}]);
	});

	it('holds and resumes; a held customer does not run out of talk time but loses patience', async () => {
		const sim = await start({talkSeconds: 20, patienceSeconds: 600}, {ready: true});
		const pbxCallId = await talking(sim);
		const at = sim.clock.now();
		expect(await sim.driver.hold()).toEqual({ok: true});
		expect(await sim.driver.hold()).toMatchObject({ok: false, code: 'not-allowed'});
		// Far beyond any plausible 20 s talk time, but within the minimum hold patience (300 s).
		sim.clock.advance(280_000);
		expect(await sim.driver.unhold()).toEqual({ok: true});
		expect(await sim.driver.unhold()).toMatchObject({ok: false, code: 'not-allowed'});
		expect(sim.take()).toEqual([
			{type: 'call-held', at, pbxCallId},
			{type: 'call-resumed', at: at + 280_000, pbxCallId},
		]);

		// Held again, the customer eventually hangs up, within 0.5–1.5 × patience of the hold.
		await sim.driver.hold();
		const heldAt = sim.clock.now();
		sim.clock.advance(900_000);
		const [held, ended] = sim.take();
		expect(held).toMatchObject({type: 'call-held', pbxCallId});
		expect(ended).toMatchObject({type: 'call-ended', pbxCallId, cause: 'customer-hangup'});
		expect(ended!.at - heldAt).toBeGreaterThanOrEqual(300_000);
	});

	it('offers callers oldest first across groups', async () => {
		const sim = await start({arrivalsPerMinute: 20});
		sim.clock.advance(120_000);
		const waiting = sim.lastQueue();
		expect(new Set(waiting.map((entry) => entry.groupId))).toEqual(new Set(['1', '2']));
		const sinces = waiting.map((entry) => entry.waitingSince);
		expect(sinces).toEqual([...sinces].sort((a, b) => a - b));

		await sim.driver.setReady();
		const offeredIds: string[] = [];
		for (let served = 0; served < waiting.length; served++) {
			const offered = sim.of('call-offered').at(-1)!;
			offeredIds.push(offered.pbxCallId);
			await sim.driver.answer();
			sim.clock.advance(1000);
			await sim.driver.hangup();
			sim.clock.advance(offerPauseMs);
		}
		expect(offeredIds).toEqual(waiting.map((entry) => entry.id));
	});

	it('offers nothing while not-ready, and the oldest caller at once on ready', async () => {
		const sim = await start({}, {ready: true});
		await sim.driver.setNotReady('break');
		await sim.driver.injectCall!();
		sim.clock.advance(1000);
		await sim.driver.injectCall!();
		sim.clock.advance(100_000);
		expect(sim.of('call-offered')).toEqual([]);
		const oldest = sim.lastQueue()[0]!;
		await sim.driver.setReady();
		expect(sim.of('call-offered').map((event) => event.pbxCallId)).toEqual([oldest.id]);
	});

	it('waits offerPauseMs after a call before the next offer, so the session can pause for wrap-up', async () => {
		const sim = await start({}, {ready: true});
		await talking(sim);
		await sim.driver.injectCall!();
		// A session that pauses on call-ended, synchronously from its listener.
		const unsubscribe = sim.driver.onEvent((event) => {
			if (event.type === 'call-ended') void sim.driver.setNotReady('wrap-up');
		});
		await sim.driver.hangup();
		sim.clock.advance(60_000);
		expect(sim.take().map((event) => event.type)).toEqual([
			'queue-changed',
			'call-ended',
			'agent-state-changed',
		]);

		// Without a pause the next caller rings exactly offerPauseMs after the end of the call.
		unsubscribe();
		await sim.driver.setReady();
		expect(sim.of('call-offered')).toHaveLength(1);
		await sim.driver.answer();
		await sim.driver.injectCall!();
		const endedAt = sim.clock.now();
		await sim.driver.hangup();
		sim.clock.advance(offerPauseMs - 1);
		expect(sim.of('call-offered')).toHaveLength(1);
		sim.clock.advance(1);
		expect(sim.of('call-offered').at(-1)!.at).toBe(endedAt + offerPauseMs);
	});
});

describe('sim driver: outbound calls', () => {
	it.each([
		['5551234', 'call-answered', 3000],
		['5551286', 'busy', 1500],
		['5551287', 'no-answer', 15_000],
		['5551288', 'invalid-number', 500],
		['12', 'invalid-number', 500],
		['+8613800138000', 'call-answered', 3000],
		['#5586', 'busy', 1500],
	])('dials %s: %s after %i ms', async (number, outcome, afterMs) => {
		const sim = await start();
		sim.take();
		const at = sim.clock.now();
		expect(await sim.driver.dial(number)).toEqual({ok: true});
		const [dialing] = sim.take();
		expect(dialing).toEqual({
			type: 'call-dialing',
			at,
			pbxCallId: expect.stringMatching(/^sim-/),
			origin: 2,
			number,
			callerId: '101',
			calledId: number,
			groupId: '1',
		});
		const pbxCallId = (dialing as EventOf<'call-dialing'>).pbxCallId;
		sim.clock.advance(afterMs - 1);
		expect(sim.events).toEqual([]);
		sim.clock.advance(1);
		expect(sim.take()).toEqual([
			outcome === 'call-answered'
				? {type: 'call-answered', at: at + afterMs, pbxCallId}
				: {type: 'call-ended', at: at + afterMs, pbxCallId, cause: outcome},
		]);
	});

	it('uses dialDelayMs for the far end to answer', async () => {
		const sim = await start({dialDelayMs: 800});
		await sim.driver.dial('5551234');
		sim.clock.advance(800);
		expect(sim.of('call-answered')).toHaveLength(1);
	});

	it.each([
		[''],
		['555 1234'],
		['12a'],
		['1+2'],
		['1'.repeat(40)],
		['5551234\r\nAction: Originate'],
	])('refuses to dial %j with bad-input and emits nothing', async (number) => {
		const sim = await start();
		sim.take();
		const result = await sim.driver.dial(number);
		expect(result).toMatchObject({ok: false, code: 'bad-input'});
		expect(result.ok || result.message.length).toBeGreaterThan(10);
		expect(sim.events).toEqual([]);
	});

	it('lets the agent hang up while dialling', async () => {
		const sim = await start();
		await sim.driver.dial('5551287');
		const {pbxCallId} = sim.of('call-dialing')[0]!;
		sim.take();
		await sim.driver.hangup();
		sim.clock.advance(60_000);
		expect(sim.take()).toEqual([
			{type: 'call-ended', at: expect.any(Number), pbxCallId, cause: 'agent-hangup'},
		]);
	});
});

describe('sim driver: transfers', () => {
	it('blind-transfers a connected call', async () => {
		const sim = await start({}, {ready: true});
		const pbxCallId = await talking(sim);
		const at = sim.clock.now();
		expect(await sim.driver.transfer('102', 'blind')).toEqual({ok: true});
		expect(sim.take()).toEqual([
			{type: 'call-transferred', at, pbxCallId, target: '102', mode: 'blind'},
			{type: 'call-ended', at, pbxCallId, cause: 'transferred'},
		]);
	});

	it.each([
		['12', 'pbx-refused'],
		['101', 'bad-input'],
		['10 2', 'bad-input'],
	])('refuses a blind transfer to %s with %s', async (target, code) => {
		const sim = await start({}, {ready: true});
		await talking(sim);
		expect(await sim.driver.transfer(target, 'blind')).toMatchObject({ok: false, code});
		expect(sim.events).toEqual([]);
	});

	it('consults, then completes the transfer once the target answered', async () => {
		const sim = await start({}, {ready: true});
		const pbxCallId = await talking(sim);
		const at = sim.clock.now();
		expect(await sim.driver.transfer('102', 'consult')).toEqual({ok: true});
		expect(await sim.driver.completeTransfer()).toMatchObject({ok: false, code: 'not-allowed'});
		sim.clock.advance(3000);
		expect(await sim.driver.completeTransfer()).toEqual({ok: true});
		expect(sim.take()).toEqual([
			{type: 'call-held', at, pbxCallId},
			{type: 'consult-started', at, pbxCallId, target: '102'},
			{type: 'consult-answered', at: at + 3000, pbxCallId},
			{type: 'call-transferred', at: at + 3000, pbxCallId, target: '102', mode: 'consult'},
			{type: 'call-ended', at: at + 3000, pbxCallId, cause: 'transferred'},
		]);
	});

	it('cancels a consult and returns to the customer', async () => {
		const sim = await start({}, {ready: true});
		const pbxCallId = await talking(sim);
		const at = sim.clock.now();
		await sim.driver.transfer('5551234', 'consult');
		sim.clock.advance(5000);
		expect(await sim.driver.unhold()).toMatchObject({ok: false, code: 'not-allowed'});
		expect(await sim.driver.cancelTransfer()).toEqual({ok: true});
		expect(await sim.driver.cancelTransfer()).toMatchObject({ok: false, code: 'not-allowed'});
		expect(sim.take().map((event) => [event.type, event.at - at])).toEqual([
			['call-held', 0],
			['consult-started', 0],
			['consult-answered', 3000],
			['consult-ended', 5000],
			['call-resumed', 5000],
		]);
		expect(await sim.driver.hangup()).toEqual({ok: true});
		expect(sim.take()).toMatchObject([{type: 'call-ended', pbxCallId, cause: 'agent-hangup'}]);
	});

	it.each([
		['10286', 1500],
		['10287', 15_000],
	])(
		'ends the consult leg to %s after %i ms and leaves the customer held',
		async (target, afterMs) => {
			const sim = await start({}, {ready: true});
			const pbxCallId = await talking(sim);
			const at = sim.clock.now();
			await sim.driver.transfer(target, 'consult');
			sim.clock.advance(afterMs);
			expect(await sim.driver.completeTransfer()).toMatchObject({ok: false, code: 'not-allowed'});
			expect(await sim.driver.unhold()).toEqual({ok: true});
			expect(sim.take()).toEqual([
				{type: 'call-held', at, pbxCallId},
				{type: 'consult-started', at, pbxCallId, target},
				{type: 'consult-ended', at: at + afterMs, pbxCallId},
				{type: 'call-resumed', at: at + afterMs, pbxCallId},
			]);
		},
	);
});

describe('sim driver: refusals', () => {
	const refusals: [
		string,
		(sim: Harness) => Promise<void>,
		(driver: Driver) => Promise<unknown>,
	][] = [
		[
			'dial while talking',
			(sim) => talking(sim).then(() => undefined),
			(driver) => driver.dial('5551234'),
		],
		[
			'dial while ringing',
			(sim) => offerOne(sim).then(() => undefined),
			(driver) => driver.dial('5551234'),
		],
		[
			'logout with a call up',
			(sim) => talking(sim).then(() => undefined),
			(driver) => driver.logout(),
		],
		[
			'logout while ringing',
			(sim) => offerOne(sim).then(() => undefined),
			(driver) => driver.logout(),
		],
		['answer with nothing ringing', async () => undefined, (driver) => driver.answer()],
		[
			'answer while talking',
			(sim) => talking(sim).then(() => undefined),
			(driver) => driver.answer(),
		],
		['hangup with no call', async () => undefined, (driver) => driver.hangup()],
		['hold with no call', async () => undefined, (driver) => driver.hold()],
		['hold while ringing', (sim) => offerOne(sim).then(() => undefined), (driver) => driver.hold()],
		['transfer with no call', async () => undefined, (driver) => driver.transfer('102', 'blind')],
		[
			'complete a transfer with no consult',
			(sim) => talking(sim).then(() => undefined),
			(driver) => driver.completeTransfer(),
		],
		['login twice', async () => undefined, (driver) => driver.login(identity)],
		[
			'ready after logout',
			async (sim) => void (await sim.driver.logout()),
			(driver) => driver.setReady(),
		],
		[
			'dial after logout',
			async (sim) => void (await sim.driver.logout()),
			(driver) => driver.dial('5551234'),
		],
	];

	it.each(refusals)('refuses %s readably and emits nothing', async (_name, arrange, act) => {
		const sim = await start({}, {ready: true});
		await arrange(sim);
		sim.take();
		const result = (await act(sim.driver)) as {ok: boolean; code?: string; message?: string};
		expect(result).toMatchObject({ok: false, code: 'not-allowed'});
		expect(result.message).toMatch(/^[A-Z].{10,}\.$/);
		expect(sim.events).toEqual([]);
	});

	it('refuses an empty not-ready reason with bad-input', async () => {
		const sim = await start();
		sim.take();
		expect(await sim.driver.setNotReady(' ')).toMatchObject({ok: false, code: 'bad-input'});
		expect(sim.events).toEqual([]);
	});
});

describe('sim driver: the call centre at large', () => {
	/** Follows each caller through the queue: when it joined and when it left. */
	function stays(events: DriverEvent[]): {joined: number; left: number | null; groupId: string}[] {
		const byId = new Map<string, {joined: number; left: number | null; groupId: string}>();
		let present = new Set<string>();
		for (const event of events) {
			if (event.type !== 'queue-changed') continue;
			const now = new Set(event.entries.map((entry) => entry.id));
			for (const entry of event.entries) {
				if (!byId.has(entry.id))
					byId.set(entry.id, {joined: entry.waitingSince, left: null, groupId: entry.groupId});
			}
			for (const id of present) if (!now.has(id)) byId.get(id)!.left = event.at;
			present = now;
		}
		return [...byId.values()];
	}

	it('has other agents drain the queue, which stays short, while this agent is away', async () => {
		const options = {arrivalsPerMinute: 6, otherAgents: 10, talkSeconds: 60, patienceSeconds: 120};
		const busy = await start(options);
		busy.clock.advance(2 * 3_600_000);
		const served = stays(busy.events).filter(
			({joined, left}) => left !== null && left - joined < 60_000,
		);
		const all = stays(busy.events);
		expect(all.length).toBeGreaterThan(600);
		// Nobody abandons before 60 s (0.5 × patience), so a caller gone sooner was served.
		expect(served.length / all.length).toBeGreaterThan(0.95);
		const longest = Math.max(...busy.of('queue-changed').map((event) => event.entries.length));
		expect(longest).toBeLessThan(10);

		// The same traffic with nobody to answer: everyone waits until they give up.
		const alone = await start({...options, otherAgents: 0});
		alone.clock.advance(2 * 3_600_000);
		expect(
			stays(alone.events).filter(({joined, left}) => left !== null && left - joined < 60_000),
		).toEqual([]);
	});

	it('produces arrivals at the configured Poisson rate, spread over the groups', async () => {
		const sim = await start({arrivalsPerMinute: 6, otherAgents: 20, talkSeconds: 60});
		sim.clock.advance(10 * 3_600_000);
		const callers = stays(sim.events);
		// 3600 expected; ±5 % is three standard deviations of a Poisson count.
		expect(callers.length).toBeGreaterThan(3600 * 0.95);
		expect(callers.length).toBeLessThan(3600 * 1.05);
		const inGroupOne = callers.filter((caller) => caller.groupId === '1').length / callers.length;
		expect(inGroupOne).toBeGreaterThan(0.45);
		expect(inGroupOne).toBeLessThan(0.55);
		// Exponential gaps: the standard deviation is about the mean (10 s).
		const gaps = callers.slice(1).map((caller, index) => caller.joined - callers[index]!.joined);
		const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
		const deviation = Math.sqrt(
			gaps.reduce((sum, gap) => sum + (gap - mean) ** 2, 0) / gaps.length,
		);
		expect(mean).toBeGreaterThan(9500);
		expect(mean).toBeLessThan(10_500);
		expect(deviation / mean).toBeGreaterThan(0.9);
		expect(deviation / mean).toBeLessThan(1.1);
	});

	async function shift(seed: number): Promise<DriverEvent[]> {
		const sim = await start(
			{seed, arrivalsPerMinute: 4, otherAgents: 2, talkSeconds: 45, patienceSeconds: 90},
			{ready: true},
		);
		// A scripted agent: answers after 3 s, hangs up after 60 s, goes ready after 10 s of wrap-up.
		for (let second = 0; second < 3600; second++) {
			sim.clock.advance(1000);
			const last = sim.events.findLast(
				(event) => event.type.startsWith('call-') && event.type !== 'call-held',
			);
			if (last?.type === 'call-offered' && sim.clock.now() - last.at >= 3000)
				await sim.driver.answer();
			if (last?.type === 'call-answered' && sim.clock.now() - last.at >= 60_000)
				await sim.driver.hangup();
			if (last?.type === 'call-ended' && sim.clock.now() - last.at === 0)
				await sim.driver.setNotReady('wrap-up');
			if (last?.type === 'call-ended' && sim.clock.now() - last.at === 10_000)
				await sim.driver.setReady();
		}
		return sim.events;
	}

	it('replays the same events for the same seed and clock steps', async () => {
		const first = await shift(42);
		expect(first.filter((event) => event.type === 'call-answered').length).toBeGreaterThan(10);
		expect(await shift(42)).toEqual(first);
		expect(await shift(43)).not.toEqual(first);
	});
});

describe('sim driver: three-way calls', () => {
	/** Talking to the customer, then consulting `target` until it answered (3 s for 102). */
	async function consulting(sim: Harness, target = '102'): Promise<string> {
		const pbxCallId = await talking(sim);
		expect(await sim.driver.transfer(target, 'consult')).toEqual({ok: true});
		sim.clock.advance(3000);
		expect(sim.of('consult-answered')).toHaveLength(1);
		sim.take();
		return pbxCallId;
	}

	/** Steps a second at a time until an event of one of `types` arrives; returns the events. */
	function until(sim: Harness, types: DriverEvent['type'][], limitSeconds = 3600): DriverEvent[] {
		for (let second = 0; second < limitSeconds; second++) {
			if (sim.events.some((event) => types.includes(event.type))) return sim.take();
			sim.clock.advance(1000);
		}
		throw new Error(`none of ${types.join(', ')} within ${limitSeconds} s`);
	}

	it('merges the answered consult party; the party leaves and the call goes on until the agent hangs up', async () => {
		// Seed 7: the colleague (mean 30 s) leaves well before the customer (mean 60 s) is done.
		const sim = await start({seed: 7, talkSeconds: 60}, {ready: true});
		const pbxCallId = await talking(sim);
		const at = sim.clock.now();
		await sim.driver.transfer('102', 'consult');
		sim.clock.advance(3000);
		expect(await sim.driver.conference()).toEqual({ok: true});
		expect(sim.take()).toEqual([
			{type: 'call-held', at, pbxCallId},
			{type: 'consult-started', at, pbxCallId, target: '102'},
			{type: 'consult-answered', at: at + 3000, pbxCallId},
			// No call-resumed: the session takes the customer off hold on call-conferenced.
			{type: 'call-conferenced', at: at + 3000, pbxCallId, party: '102'},
		]);

		const left = until(sim, ['conference-party-left', 'call-ended']);
		expect(left).toEqual([
			{type: 'conference-party-left', at: expect.any(Number), pbxCallId, party: '102'},
		]);
		expect(left[0]!.at).toBeGreaterThanOrEqual(at + 4000);

		// Back to a plain call: it can be held again, and hanging up is the agent's own hang-up.
		expect(await sim.driver.hold()).toEqual({ok: true});
		expect(await sim.driver.unhold()).toEqual({ok: true});
		sim.take();
		expect(await sim.driver.hangup()).toEqual({ok: true});
		expect(sim.take()).toEqual([
			{type: 'call-ended', at: sim.clock.now(), pbxCallId, cause: 'agent-hangup'},
		]);
	});

	it('hands the call over when the agent hangs up during a three-way call', async () => {
		const sim = await start({}, {ready: true});
		const pbxCallId = await consulting(sim);
		await sim.driver.conference();
		sim.clock.advance(10_000);
		sim.take();
		const at = sim.clock.now();
		expect(await sim.driver.hangup()).toEqual({ok: true});
		expect(sim.take()).toEqual([
			{type: 'call-transferred', at, pbxCallId, target: '102', mode: 'consult'},
			{type: 'call-ended', at, pbxCallId, cause: 'transferred'},
		]);
		// The party's departure was the bridge's business, not this agent's: nothing follows.
		sim.clock.advance(1e12);
		expect(sim.of('conference-party-left')).toEqual([]);
	});

	it('ends the call customer-hangup when the customer hangs up during a three-way call', async () => {
		// Seed 2: the customer's talk time runs out while the colleague is still there.
		const sim = await start({seed: 2, talkSeconds: 60}, {ready: true});
		const pbxCallId = await consulting(sim);
		expect(await sim.driver.conference()).toEqual({ok: true});
		sim.take();
		expect(until(sim, ['conference-party-left', 'call-ended'])).toEqual([
			{type: 'call-ended', at: expect.any(Number), pbxCallId, cause: 'customer-hangup'},
		]);
		sim.clock.advance(1e12);
		expect(sim.of('conference-party-left')).toEqual([]);
	});

	it('runs the customer talk clock on from where the consult hold stopped it', async () => {
		// Same seed twice: once the customer is simply talked to, once a 20 s consult and a
		// conference come in between. The hang-up moves by exactly the 20 s on hold.
		async function hangUpAfterAnswer(consultMs: number | null): Promise<number> {
			const sim = await start({seed: 5, talkSeconds: 60, patienceSeconds: 600}, {ready: true});
			await talking(sim);
			const answeredAt = sim.clock.now();
			if (consultMs !== null) {
				await sim.driver.transfer('102', 'consult');
				sim.clock.advance(consultMs);
				expect(await sim.driver.conference()).toEqual({ok: true});
			}
			const ended = until(sim, ['call-ended']).find((event) => event.type === 'call-ended');
			expect(ended).toMatchObject({cause: 'customer-hangup'});
			return ended!.at - answeredAt;
		}
		const plain = await hangUpAfterAnswer(null);
		const withConference = await hangUpAfterAnswer(20_000);
		// Whole seconds: `until` steps by 1 s, so compare at that resolution.
		expect(Math.round((withConference - plain) / 1000)).toBe(20);
	});

	it('has the party stay a mean of talkSeconds/2, racing the customer who stays talkSeconds', async () => {
		// Two exponential clocks, means 30 s (party) and 60 s (customer, memoryless, so its
		// remaining time is still mean 60 s): the first ends after a mean of 20 s, and it is the
		// party two times in three.
		const sim = await start({talkSeconds: 60}, {ready: true});
		const firsts: {type: DriverEvent['type']; afterMs: number}[] = [];
		for (let index = 0; index < 400; index++) {
			await consulting(sim);
			await sim.driver.conference();
			const conferencedAt = sim.clock.now();
			sim.take();
			sim.clock.advance(3_600_000);
			const first = sim.events.find(
				(event) => event.type === 'conference-party-left' || event.type === 'call-ended',
			)!;
			firsts.push({type: first.type, afterMs: first.at - conferencedAt});
			expect(sim.of('call-ended')).toHaveLength(1);
			sim.take();
		}
		const partyFirst =
			firsts.filter(({type}) => type === 'conference-party-left').length / firsts.length;
		const mean = firsts.reduce((sum, {afterMs}) => sum + afterMs, 0) / firsts.length;
		// Three standard errors for 400 draws: ±0.07 on the share, ±15 % on the mean.
		expect(partyFirst).toBeGreaterThan(2 / 3 - 0.07);
		expect(partyFirst).toBeLessThan(2 / 3 + 0.07);
		expect(mean).toBeGreaterThan(20_000 * 0.85);
		expect(mean).toBeLessThan(20_000 * 1.15);
	});

	it('refuses a conference before the consulted party answered, and without a consult', async () => {
		const sim = await start({}, {ready: true});
		expect(await sim.driver.conference()).toMatchObject({ok: false, code: 'not-allowed'});
		await talking(sim);
		expect(await sim.driver.conference()).toMatchObject({ok: false, code: 'not-allowed'});
		await sim.driver.transfer('102', 'consult');
		sim.take();
		sim.clock.advance(2999);
		const early = await sim.driver.conference();
		expect(early).toMatchObject({
			ok: false,
			code: 'not-allowed',
			message: '102 has not answered yet.',
		});
		expect(sim.events).toEqual([]);
		sim.clock.advance(1);
		expect(await sim.driver.conference()).toEqual({ok: true});
		expect(sim.take().map((event) => event.type)).toEqual(['consult-answered', 'call-conferenced']);
	});

	it('refuses a conference once the consult leg failed', async () => {
		const sim = await start({}, {ready: true});
		await talking(sim);
		await sim.driver.transfer('10286', 'consult');
		sim.clock.advance(1500);
		expect(sim.of('consult-ended')).toHaveLength(1);
		sim.take();
		expect(await sim.driver.conference()).toMatchObject({ok: false, code: 'not-allowed'});
		expect(sim.events).toEqual([]);
	});

	it('refuses transfers during a three-way call but allows hold, and still hands over on hang-up', async () => {
		const sim = await start({}, {ready: true});
		const pbxCallId = await consulting(sim);
		await sim.driver.conference();
		sim.take();
		expect(await sim.driver.transfer('103', 'blind')).toMatchObject({
			ok: false,
			code: 'not-allowed',
		});
		expect(await sim.driver.transfer('103', 'consult')).toMatchObject({
			ok: false,
			code: 'not-allowed',
		});
		expect(await sim.driver.conference()).toMatchObject({ok: false, code: 'not-allowed'});
		expect(sim.events).toEqual([]);
		const at = sim.clock.now();
		expect(await sim.driver.hold()).toEqual({ok: true});
		expect(await sim.driver.hangup()).toEqual({ok: true});
		expect(sim.take()).toEqual([
			{type: 'call-held', at, pbxCallId},
			{type: 'call-transferred', at, pbxCallId, target: '102', mode: 'consult'},
			{type: 'call-ended', at, pbxCallId, cause: 'transferred'},
		]);
	});
});

describe('sim driver: DTMF', () => {
	it('reports a burst once its digits played, 100 ms each', async () => {
		const sim = await start({}, {ready: true});
		const pbxCallId = await talking(sim);
		const at = sim.clock.now();
		expect(await sim.driver.sendDtmf('123#')).toEqual({ok: true});
		sim.clock.advance(399);
		expect(sim.events).toEqual([]);
		sim.clock.advance(1);
		expect(sim.take()).toEqual([{type: 'dtmf-sent', at: at + 400, pbxCallId, digits: '123#'}]);
	});

	it('queues a burst sent while another still plays', async () => {
		const sim = await start({}, {ready: true});
		const pbxCallId = await talking(sim);
		const at = sim.clock.now();
		await sim.driver.sendDtmf('12');
		sim.clock.advance(50);
		await sim.driver.sendDtmf('*0D');
		sim.clock.advance(1000);
		expect(sim.take()).toEqual([
			{type: 'dtmf-sent', at: at + 200, pbxCallId, digits: '12'},
			{type: 'dtmf-sent', at: at + 500, pbxCallId, digits: '*0D'},
		]);
	});

	it.each(['', '12x', 'a', '1 2', 'E', '1'.repeat(33)])(
		'refuses %j with bad-input',
		async (digits) => {
			const sim = await start({}, {ready: true});
			await talking(sim);
			expect(await sim.driver.sendDtmf(digits)).toMatchObject({ok: false, code: 'bad-input'});
			sim.clock.advance(10_000);
			expect(sim.of('dtmf-sent')).toEqual([]);
		},
	);

	it('takes the longest burst, 32 digits', async () => {
		const sim = await start({}, {ready: true});
		await talking(sim);
		const digits = '0123456789*#ABCD0123456789*#ABCD';
		expect(await sim.driver.sendDtmf(digits)).toEqual({ok: true});
		sim.clock.advance(3200);
		expect(sim.of('dtmf-sent')).toMatchObject([{digits}]);
	});

	it('refuses digits with no call, while ringing and while on hold', async () => {
		const sim = await start({}, {ready: true});
		expect(await sim.driver.sendDtmf('1')).toMatchObject({ok: false, code: 'not-allowed'});
		await offerOne(sim);
		expect(await sim.driver.sendDtmf('1')).toMatchObject({ok: false, code: 'not-allowed'});
		await sim.driver.answer();
		await sim.driver.hold();
		sim.take();
		const held = await sim.driver.sendDtmf('1');
		expect(held).toMatchObject({ok: false, code: 'not-allowed'});
		expect((held as {message: string}).message).toMatch(/^[A-Z].{10,}\.$/);
		sim.clock.advance(1000);
		expect(sim.events).toEqual([]);
	});

	it('cuts the playback at hold: the digits played are reported, the rest dropped', async () => {
		const sim = await start({}, {ready: true});
		const pbxCallId = await talking(sim);
		const at = sim.clock.now();
		await sim.driver.sendDtmf('12345');
		await sim.driver.sendDtmf('678');
		sim.clock.advance(250);
		await sim.driver.hold();
		sim.clock.advance(10_000);
		expect(sim.take()).toEqual([
			{type: 'dtmf-sent', at: at + 250, pbxCallId, digits: '12'},
			{type: 'call-held', at: at + 250, pbxCallId},
		]);
	});

	it('drops digits still to play when the call ends', async () => {
		const sim = await start({}, {ready: true});
		await talking(sim);
		await sim.driver.sendDtmf('123');
		await sim.driver.hangup();
		sim.clock.advance(10_000);
		expect(sim.take().map((event) => event.type)).toEqual(['call-ended']);
	});

	it('plays digits into a three-way call', async () => {
		const sim = await start({}, {ready: true});
		const pbxCallId = await talking(sim);
		await sim.driver.transfer('102', 'consult');
		sim.clock.advance(3000);
		await sim.driver.conference();
		sim.take();
		expect(await sim.driver.sendDtmf('9')).toEqual({ok: true});
		sim.clock.advance(100);
		expect(sim.take()).toMatchObject([{type: 'dtmf-sent', pbxCallId, digits: '9'}]);
	});
});

describe('sim driver: mute', () => {
	it('mutes and unmutes, also on hold, and refuses the state it is already in', async () => {
		const sim = await start({}, {ready: true});
		const pbxCallId = await talking(sim);
		const at = sim.clock.now();
		expect(await sim.driver.unmute()).toMatchObject({ok: false, code: 'not-allowed'});
		expect(await sim.driver.mute()).toEqual({ok: true});
		expect(await sim.driver.mute()).toMatchObject({ok: false, code: 'not-allowed'});
		expect(await sim.driver.hold()).toEqual({ok: true});
		expect(await sim.driver.unmute()).toEqual({ok: true});
		expect(await sim.driver.mute()).toEqual({ok: true});
		expect(await sim.driver.unhold()).toEqual({ok: true});
		expect(sim.take()).toEqual([
			{type: 'call-muted', at, pbxCallId},
			{type: 'call-held', at, pbxCallId},
			{type: 'call-unmuted', at, pbxCallId},
			{type: 'call-muted', at, pbxCallId},
			{type: 'call-resumed', at, pbxCallId},
		]);
		// Muted, the call still works: digits play and a consult goes out.
		expect(await sim.driver.sendDtmf('1')).toEqual({ok: true});
		expect(await sim.driver.transfer('102', 'consult')).toEqual({ok: true});
	});

	it('refuses mute with no call and while ringing', async () => {
		const sim = await start({}, {ready: true});
		expect(await sim.driver.mute()).toMatchObject({ok: false, code: 'not-allowed'});
		await offerOne(sim);
		sim.take();
		expect(await sim.driver.mute()).toMatchObject({ok: false, code: 'not-allowed'});
		expect(await sim.driver.unmute()).toMatchObject({ok: false, code: 'not-allowed'});
		expect(sim.events).toEqual([]);
	});

	it('starts every call unmuted', async () => {
		const sim = await start({}, {ready: true});
		await talking(sim);
		await sim.driver.mute();
		await sim.driver.hangup();
		sim.clock.advance(offerPauseMs);
		await talking(sim);
		expect(await sim.driver.unmute()).toMatchObject({ok: false, code: 'not-allowed'});
		expect(await sim.driver.mute()).toEqual({ok: true});
	});
});

describe('sim driver: conference, DTMF and mute through the session store', () => {
	it('gives the Call conferenceWith and muted, and check() refuses what is not allowed yet', async () => {
		const clock = createFakeClock();
		const driver = createSimDriver(base, clock);
		let lastId: string | null = null;
		const store = createSessionStore({
			driver,
			clock,
			authenticate: (user, secret) => (user === '101' && secret === 'secret' ? identity : null),
			wrapUpSeconds: 0,
			allocateCallId: (now) => (lastId = nextCallId(lastId, now)),
		});
		const seen: string[] = [];
		store.onEvent((event) => seen.push(event.type));
		await store.start();
		const call = () => store.getSnapshot().call;
		const refused = (code: string) => expect.objectContaining({ok: false, code});

		expect(store.capabilities).toMatchObject({conference: true, dtmf: true, mute: true});
		expect(await store.run({type: 'login', user: '101', password: 'secret'})).toEqual({ok: true});
		expect(await store.run({type: 'ready'})).toEqual({ok: true});
		expect(await store.run({type: 'inject-call'})).toEqual({ok: true});
		expect(call()?.state).toBe('ringing');

		// Ringing: nothing to mute, no digits, no one to merge.
		const before = seen.length;
		expect(await store.run({type: 'mute'})).toEqual(refused('not-allowed'));
		expect(await store.run({type: 'dtmf', digits: '1'})).toEqual(refused('not-allowed'));
		expect(await store.run({type: 'conference'})).toEqual(refused('not-allowed'));

		expect(await store.run({type: 'answer'})).toEqual({ok: true});
		expect(await store.run({type: 'conference'})).toEqual(refused('not-allowed'));
		expect(await store.run({type: 'dtmf', digits: '1x'})).toEqual(refused('bad-input'));
		expect(await store.run({type: 'unmute'})).toEqual(refused('not-allowed'));
		expect(seen.slice(before)).toEqual(['call-answered', 'queue-changed']);

		expect(await store.run({type: 'mute'})).toEqual({ok: true});
		expect(call()).toMatchObject({muted: true, state: 'talking'});
		expect(await store.run({type: 'mute'})).toEqual(refused('not-allowed'));

		expect(await store.run({type: 'transfer', target: '102', mode: 'consult'})).toEqual({ok: true});
		expect(call()).toMatchObject({state: 'held', consult: {target: '102', state: 'dialing'}});
		expect(await store.run({type: 'conference'})).toEqual(refused('not-allowed'));
		expect(await store.run({type: 'dtmf', digits: '1'})).toEqual(refused('not-allowed'));

		clock.advance(3000);
		expect(call()?.consult?.state).toBe('talking');
		expect(await store.run({type: 'conference'})).toEqual({ok: true});
		expect(call()).toMatchObject({
			state: 'talking',
			consult: null,
			conferenceWith: '102',
			heldSince: null,
			heldMs: 3000,
			muted: true,
		});
		expect(store.getSnapshot().agent.state).toBe('talking');

		expect(await store.run({type: 'dtmf', digits: '12'})).toEqual({ok: true});
		expect(seen.at(-1)).toBe('call-conferenced');
		clock.advance(200);
		expect(seen.at(-1)).toBe('dtmf-sent');
		expect(await store.run({type: 'unmute'})).toEqual({ok: true});
		expect(call()?.muted).toBe(false);

		expect(await store.run({type: 'hangup'})).toEqual({ok: true});
		expect(call()).toBeNull();
		expect(store.getSnapshot().recentCalls[0]).toMatchObject({
			endCause: 'transferred',
			transferTarget: '102',
			transferMode: 'consult',
			conferenceWith: '102',
			heldMs: 3000,
		});
		await store.stop();
	});
});
