// What a real Asterisk does that a call centre runs into (issue 12), replayed from the recordings
// made on Asterisk 22.10.1: a restart that reuses channel names (17/17b), a consult Asterisk
// refuses (19/19b), a queue that rings the agent again (12), a wrap-up across an outage (08),
// a link lost mid-call (20/20b). The real driver, session store and pop service run on top.
import fc from 'fast-check';
import {afterEach, describe, expect, it} from 'vitest';
import {formatCallIdTime} from '../../../source/core/call-id.js';
import {check} from '../../../source/core/commands.js';
import type {DriverEvent} from '../../../source/core/types.js';
import {describeEvent} from '../../../source/session/describe-event.js';
import {
	callEvents,
	connectAndLogin,
	resyncReplies,
	startDesk,
	stopDesks,
	until,
	type Desk,
} from './driver-harness.js';

afterEach(stopDesks);

const connected = (desk: Desk, after: number) =>
	desk.waitFor(
		'connection-changed',
		(e) => e.type === 'connection-changed' && e.connected && desk.events.indexOf(e) >= after,
	);

const disconnected = (desk: Desk) =>
	desk.waitFor('connection-changed', (e) => e.type === 'connection-changed' && !e.connected);

/** Pops the real pop service handed the browser, per kind, for one callid. */
const popsOf = (desk: Desk, callId: string) =>
	desk.launched.filter((pop) => pop.callId === callId).map((pop) => pop.kind);

/** Moves the fake clock on until the driver reconnected (each retry waits for a refused connect). */
async function advanceUntilConnected(desk: Desk, after: number): Promise<void> {
	const isUp = () =>
		desk.events.some(
			(e, index) => index >= after && e.type === 'connection-changed' && e.connected,
		);
	await until(() => {
		if (isUp()) return true;
		desk.clock.advance(250);
		return false;
	}, 'reconnected');
}

const actionsOn = (desk: Desk, connection: number) =>
	desk.server.received.filter((entry) => entry.connection === connection);

describe('after Asterisk restarts (17 then 17b): channel names repeat', () => {
	it('rings, answers and pops the next call although its channels have the old names', async () => {
		const desk = await startDesk(['17-restart-channel-reuse', '17b-restart-channel-reuse-after']);
		await connectAndLogin(desk);
		// 17: the first call plays out, then `core stop now`.
		await disconnected(desk);
		const first = formatCallIdTime(1796588193_000) + '000';
		expect(desk.state().recentCalls[0]).toMatchObject({callId: first, endCause: 'customer-hangup'});
		const before = desk.events.length;
		desk.clock.advance(1000);
		await connected(desk, before);
		// 17b: the member is gone, QueueAdd again; the next customer gets the very same channel names.
		const second = formatCallIdTime(1796588207_000) + '000';
		await until(
			() => desk.state().recentCalls.find((record) => record.callId === second),
			'the second call to end',
		);
		expect(desk.state().recentCalls[0]).toMatchObject({
			callId: second,
			number: '13100131001',
			answeredAt: expect.any(Number),
			endCause: 'customer-hangup',
		});
		expect(popsOf(desk, first)).toEqual(['ring', 'answer', 'hangup']);
		expect(popsOf(desk, second)).toEqual(['ring', 'answer', 'hangup']);
		expect(actionsOn(desk, 1).map((entry) => entry.action)).toEqual([
			'Login',
			'QueueStatus',
			'CoreShowChannels',
			'QueueAdd',
		]);
		expect(desk.events.find((e) => e.type === 'pbx-reconciled')).toMatchObject({
			changes: [{what: 'member-added', queue: 'support', paused: false}],
		});
	});
});

describe('a consult that Asterisk refuses (19, 19b)', () => {
	it.each([
		['19-consult-target-unavailable', '104', /104 could not be reached/],
		['19b-consult-aborted-no-prompt', '102', /could not start the consult to 102/],
	])(
		'%s: back talking with the customer, told why, transfer free again',
		async (scenario, target, why) => {
			const desk = await startDesk(scenario);
			await connectAndLogin(desk);
			await desk.waitFor('call-answered');
			await desk.store.run({type: 'transfer', target, mode: 'consult'});
			const ended = await desk.waitFor('consult-ended');
			expect(ended).toMatchObject({reason: expect.stringMatching(why)});
			await until(() => desk.state().agent.state === 'talking', 'talking again');
			expect(desk.state().call).toMatchObject({state: 'talking', consult: null, heldSince: null});
			// The desk lets the agent transfer again (no "already in progress").
			expect(
				check(
					desk.state(),
					{type: 'transfer', target: '8001', mode: 'blind'},
					desk.store.capabilities,
				),
			).toEqual({ok: true});
			const line = describeEvent(
				{...(ended as Extract<DriverEvent, {type: 'consult-ended'}>), seq: 1},
				desk.state(),
			);
			expect(line).toMatch(why);
		},
	);
});

describe('a queue that rings the agent again (12)', () => {
	it('gives the re-rung call one callid, one ring pop and one missed call', async () => {
		const desk = await startDesk('12-agent-ringnoanswer', {iface: 'Local/103@agent-phone'});
		await connectAndLogin(desk);
		await desk.server.playUntilNextAction();
		await desk.waitFor(
			'call-ended',
			(e) => e.type === 'call-ended' && e.cause === 'customer-hangup',
		);
		const callId = formatCallIdTime(1795647162_000) + '036';
		expect(desk.events.filter((e) => e.type === 'call-offered')).toHaveLength(2);
		expect(popsOf(desk, callId)).toEqual(['ring', 'hangup']);
		expect(desk.launched.every((pop) => pop.callId === callId)).toBe(true);
		expect(desk.state().recentCalls).toHaveLength(1);
		expect(desk.state().shift.callsMissed).toBe(1);
	});
});

describe('wrap-up across a PBX outage (04 then 08)', () => {
	it('ends a wrap-up whose time ran out while Asterisk was down, as if the timer had fired', async () => {
		const desk = await startDesk(['04-inbound-answered', '08-restart-reconnect'], {
			wrapUpSeconds: 30,
		});
		await connectAndLogin(desk);
		await desk.server.playUntilNextAction();
		await until(() => desk.state().agent.state === 'wrap-up', 'wrap-up');
		await desk.server.setListening(false);
		desk.server.kill();
		await disconnected(desk);
		// Asterisk is down for 31 s: the wrap-up timer fires, its "ready" is refused.
		desk.clock.advance(31_000);
		expect(desk.state().agent.state).toBe('wrap-up');
		const before = desk.events.length;
		await desk.server.setListening(true);
		await advanceUntilConnected(desk, before);
		await until(() => desk.state().agent.state === 'ready', 'ready');
		const sent = actionsOn(desk, 1).map((entry) => entry.message.toObject());
		expect(sent.map((action) => action['Action'])).toEqual([
			'Login',
			'QueueStatus',
			'CoreShowChannels',
			'QueueAdd',
			'QueuePause',
		]);
		// Re-added paused for the wrap-up (never offered a call), then unpaused as the timer would.
		expect(sent[3]).toMatchObject({Paused: 'true', Reason: 'wrap-up'});
		expect(sent[4]).toMatchObject({Paused: 'false'});
		expect(desk.state().agent.wrapUp).toBeNull();
		const ended = desk.store.eventsSince(0)?.find((event) => event.type === 'wrap-up-ended');
		expect(ended).toMatchObject({expired: true});
		expect(describeEvent(ended!, desk.state())).toMatch(/ran out while the PBX was unreachable/);
	});

	it('pauses again a member that Asterisk unpaused while the agent is in wrap-up', async () => {
		const desk = await startDesk(['04-inbound-answered', '01-login-ok'], {
			wrapUpSeconds: 300,
			unmatched: resyncReplies([]),
		});
		await connectAndLogin(desk);
		await desk.server.playUntilNextAction();
		await until(() => desk.state().agent.state === 'wrap-up', 'wrap-up');
		desk.server.kill();
		await disconnected(desk);
		const before = desk.events.length;
		desk.clock.advance(1000);
		await connected(desk, before);
		// The listing says Paused: 0; the intent is paused for wrap-up.
		const pause = actionsOn(desk, 1).find((entry) => entry.action === 'QueuePause');
		expect(pause?.message.toObject()).toMatchObject({Paused: 'true', Reason: 'wrap-up'});
		expect(desk.events.find((e) => e.type === 'pbx-reconciled')).toMatchObject({
			changes: [{what: 'member-paused', queue: 'support', reason: 'wrap-up'}],
		});
		expect(desk.state().agent.state).toBe('wrap-up');
	});
});

describe('a link lost mid-call (20 then 20b)', () => {
	it('keeps the call across the reconnect: its hangup still pops once and starts wrap-up', async () => {
		const desk = await startDesk(['20-link-lost-mid-call', '20b-link-back-mid-call'], {
			wrapUpSeconds: 30,
		});
		await connectAndLogin(desk);
		await desk.waitFor('call-answered');
		desk.server.kill();
		await disconnected(desk);
		const before = desk.events.length;
		desk.clock.advance(1000);
		await connected(desk, before);
		expect(desk.state().call).toMatchObject({state: 'talking', number: '13900139055'});
		// The customer hangs up (the recording then logs the member out: not played here).
		await desk.server.playUntil(
			(m) => m.event === 'Hangup' && m.get('Channel') === 'Local/101@agent-phone-00000001;1',
		);
		await desk.waitFor('call-ended');
		const callId = formatCallIdTime(1796589108_000) + '000';
		expect(popsOf(desk, callId)).toEqual(['ring', 'answer', 'hangup']);
		expect(desk.state().recentCalls[0]).toMatchObject({callId, endCause: 'customer-hangup'});
		expect(desk.state().agent.state).toBe('wrap-up');
	});

	it('adopts a call it never saw ring from the listings, with the group of its queue', async () => {
		const desk = await startDesk(['01-login-ok', '20b-link-back-mid-call'], {
			config: {queues: [{name: 'support', groupId: '1'}]},
		});
		await connectAndLogin(desk);
		desk.server.kill();
		await disconnected(desk);
		const before = desk.events.length;
		desk.clock.advance(1000);
		await connected(desk, before);
		const callId = formatCallIdTime(1796589108_000) + '000';
		expect(desk.state().call).toMatchObject({
			callId,
			state: 'talking',
			number: '13900139055',
			groupId: '1',
		});
		expect(desk.events.find((e) => e.type === 'pbx-reconciled')).toMatchObject({
			changes: [{what: 'call-adopted', number: '13900139055'}],
		});
		await desk.server.playAll();
		await desk.waitFor('call-ended');
		expect(popsOf(desk, callId)).toEqual(['ring', 'answer', 'hangup']);
	});
});

describe('group ids', () => {
	it('shows the mapped group id of the queue in the call and the waiting list (04)', async () => {
		const desk = await startDesk('04-inbound-answered', {
			config: {queues: [{name: 'support', groupId: '7'}]},
		});
		await connectAndLogin(desk);
		await desk.server.playUntilNextAction();
		await desk.waitFor('call-ended');
		const offered = desk.events.find((e) => e.type === 'call-offered');
		expect(offered).toMatchObject({groupId: '7', calledId: 'support'});
		const queued = desk.events.find((e) => e.type === 'queue-changed' && e.entries.length > 0);
		expect(queued).toMatchObject({entries: [{groupId: '7'}]});
	});
});

// Synthetic traffic in Asterisk's shape: a queue call to Local/101@agent-phone whose channel
// names come from a counter that restarts with Asterisk, as 17/17b showed.
function queueCall(run: number, counter: number, epoch: number) {
	const hex = counter.toString(16).padStart(8, '0');
	const agent = `Local/101@agent-phone-${hex};1`;
	const caller = `Local/s@incoming-${(counter + 1).toString(16).padStart(8, '0')};2`;
	const linkedId = `${epoch}.${counter * 4}`;
	const agentId = `${epoch}.${counter * 4 + 2}`;
	const callerId = `${epoch}.${counter * 4 + 1}`;
	const block = (fields: Record<string, string>) =>
		Object.entries(fields)
			.map(([key, value]) => `${key}: ${value}\r\n`)
			.join('') + '\r\n';
	const common = {Queue: 'support', Interface: 'Local/101@agent-phone', MemberName: 'agent 101'};
	return {
		linkedId,
		bytes:
			block({
				Event: 'AgentCalled',
				Privilege: 'agent,all',
				...common,
				Channel: caller,
				Uniqueid: callerId,
				Linkedid: linkedId,
				CallerIDNum: `1380000${run}${counter}`,
				DestChannel: agent,
				DestUniqueid: agentId,
				DestLinkedid: linkedId,
			}) +
			block({
				Event: 'AgentConnect',
				Privilege: 'agent,all',
				...common,
				Channel: caller,
				Uniqueid: callerId,
				Linkedid: linkedId,
				DestChannel: agent,
				DestUniqueid: agentId,
				DestLinkedid: linkedId,
			}) +
			block({
				Event: 'BridgeEnter',
				BridgeUniqueid: `b-${linkedId}`,
				Channel: agent,
				Uniqueid: agentId,
				Linkedid: linkedId,
			}) +
			block({
				Event: 'BridgeEnter',
				BridgeUniqueid: `b-${linkedId}`,
				Channel: caller,
				Uniqueid: callerId,
				Linkedid: linkedId,
			}) +
			block({
				Event: 'Hangup',
				Channel: caller,
				Uniqueid: callerId,
				Linkedid: linkedId,
				Cause: '16',
			}) +
			block({Event: 'Hangup', Channel: agent, Uniqueid: agentId, Linkedid: linkedId, Cause: '16'}),
	};
}

describe('property: reconnects with repeated channel names never hide a call', () => {
	it('offers and ends every call, whatever the order of restarts, link drops and calls', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.constantFrom('call', 'restart', 'drop'), {minLength: 1, maxLength: 8}),
				async (steps) => {
					const desk = await startDesk('01-login-ok');
					try {
						await connectAndLogin(desk);
						let epoch = 1796600000;
						let counter = 1;
						let connections = 1;
						const expected: string[] = [];
						for (const step of steps) {
							if (step === 'call') {
								const call = queueCall(connections, counter, epoch);
								counter += 2;
								expected.push(call.linkedId);
								await desk.server.inject(call.bytes);
								await desk.waitFor(
									'call-ended',
									(e) => e.type === 'call-ended' && e.pbxCallId === call.linkedId,
								);
								continue;
							}
							// A restart starts the channel counter again (new epoch); a drop keeps it.
							if (step === 'restart') {
								epoch += 60;
								counter = 1;
							}
							const before = desk.events.length;
							desk.server.kill();
							await desk.waitFor(
								'connection-changed',
								(e) =>
									e.type === 'connection-changed' &&
									!e.connected &&
									desk.events.indexOf(e) >= before,
							);
							desk.clock.advance(1000);
							connections += 1;
							await connected(desk, before);
						}
						const offered = desk.events
							.filter((e) => e.type === 'call-offered')
							.map((e) => (e.type === 'call-offered' ? e.pbxCallId : ''));
						expect(offered).toEqual(expected);
						expect(callEvents(desk.events).filter((e) => e.type === 'call-ended')).toHaveLength(
							expected.length,
						);
					} finally {
						await stopDesks();
					}
				},
			),
			{numRuns: 25},
		);
	});
});
