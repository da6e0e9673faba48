// The Asterisk driver over the real AMI connection, against the fake AMI server that answers
// the driver's real actions with the recorded bytes of each capture
// (test/fixtures/asterisk-ami/). The real session store runs on top, so each test checks
// the DriverEvents, the agent state and the pop parameters a CRM would get.
import {readFileSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {formatCallIdTime} from '../../../source/core/call-id.js';
import {
	callEvents,
	connectAndLogin,
	identity,
	popParams,
	resyncReplies,
	sid,
	startDesk,
	stopDesks,
	until,
	type Desk,
} from './driver-harness.js';

afterEach(stopDesks);

describe('asterisk driver: login, presence and the queue', () => {
	it('logs in with QueueAdd of the interface (paused), then reports what Asterisk says (03/04)', async () => {
		const desk = await startDesk('04-inbound-answered');
		await connectAndLogin(desk);
		const [add] = desk.sent('QueueAdd');
		expect(add!.toObject()).toMatchObject({
			Queue: 'support',
			Interface: 'Local/101@agent-phone',
			MemberName: 'agent 101',
			StateInterface: 'Local/101@agent-phone',
			Paused: 'true',
		});
		// The recorder's QueueAdd was unpaused: QueueMemberAdded Paused 0 wins over what we asked.
		await until(() => desk.state().agent.state === 'ready', 'ready');
		expect(desk.state().agent.identity?.agentId).toBe('1');
	});

	it('shows a waiting caller and drops it when the caller abandons (05)', async () => {
		const desk = await startDesk('05-inbound-abandoned');
		await connectAndLogin(desk);
		await until(
			() =>
				desk.events.some(
					(e) => e.type === 'queue-changed' && e.entries.length === 0 && desk.events.indexOf(e) > 0,
				),
			'queue emptied',
		);
		const queues = desk.events
			.filter((e) => e.type === 'queue-changed')
			.map((e) => (e.type === 'queue-changed' ? e.entries : []));
		expect(queues[0]).toEqual([
			{
				id: '1795647046.5',
				number: '13700137000',
				groupId: 'support',
				waitingSince: expect.any(Number),
			},
		]);
		expect(queues.at(-1)).toEqual([]);
		expect(desk.state().queue).toEqual([]);
		// QueueAdd answered with Paused 1 / meeting (QueueMemberAdded): not ready, with that reason.
		expect(desk.state().agent).toMatchObject({state: 'not-ready', reason: 'meeting'});
		expect(callEvents(desk.events)).toEqual([]);
	});

	it('reports a refused QueuePause readably and leaves the agent state alone (09)', async () => {
		const desk = await startDesk('09-errors');
		await connectAndLogin(desk);
		expect(desk.state().agent).toMatchObject({state: 'not-ready', reason: null});
		const result = await desk.store.run({type: 'away', reason: 'lunch'});
		expect(result).toEqual({
			ok: false,
			code: 'pbx-refused',
			message: expect.stringContaining("Need 'Interface' and 'Paused' parameters"),
		});
		expect(desk.state().agent).toMatchObject({state: 'not-ready', reason: null});
	});
});

describe('asterisk driver: inbound calls', () => {
	it('rings, answers and ends a queue call with one pbxCallId and the nine pop parameters (04)', async () => {
		const desk = await startDesk('04-inbound-answered');
		await connectAndLogin(desk);
		await desk.server.playUntilNextAction();
		await desk.waitFor('call-ended');
		expect(callEvents(desk.events)).toEqual([
			{
				type: 'call-offered',
				at: expect.any(Number),
				pbxCallId: '1795647030.0',
				// Derived from the Linkedid: the local time of 1795647030 s, and counter 0.
				callId: formatCallIdTime(1795647030_000) + '000',
				origin: 1,
				number: '13800138000',
				callerId: '13800138000',
				calledId: 'support',
				groupId: 'support',
			},
			{type: 'call-answered', at: expect.any(Number), pbxCallId: '1795647030.0'},
			{
				type: 'call-ended',
				at: expect.any(Number),
				pbxCallId: '1795647030.0',
				cause: 'customer-hangup',
			},
		]);
		const expected = {
			origin: '1',
			callid: formatCallIdTime(1795647030_000) + '000',
			number: '13800138000',
			callerid: '13800138000',
			calledid: 'support',
			groupid: 'support',
			agentid: '1',
			empid: '001',
			sid,
		};
		expect(popParams(desk.pops.ring[0]!)).toEqual(expected);
		expect(popParams(desk.pops.answer[0]!)).toEqual(expected);
		expect(popParams(desk.pops.hangup[0]!)).toEqual(expected);
		const queues = desk.events.filter((e) => e.type === 'queue-changed');
		expect(
			queues.map((e) => (e.type === 'queue-changed' ? e.entries.map((entry) => entry.number) : [])),
		).toEqual([['13800138000'], []]);
		expect(desk.state().recentCalls[0]).toMatchObject({
			endCause: 'customer-hangup',
			answeredAt: expect.any(Number),
		});
		expect(desk.state().agent.state).toBe('ready');
	});

	it('ends with no-answer when the queue gives up ringing, and offers the call again on the retry with the same callid (12)', async () => {
		const desk = await startDesk('12-agent-ringnoanswer', {iface: 'Local/103@agent-phone'});
		await connectAndLogin(desk);
		await desk.server.playUntilNextAction();
		await desk.waitFor(
			'call-ended',
			(e) => e.type === 'call-ended' && e.cause === 'customer-hangup',
		);
		expect(
			callEvents(desk.events).map((e) => [
				e.type,
				'cause' in e ? e.cause : 'pbxCallId' in e ? e.pbxCallId : '',
			]),
		).toEqual([
			['call-offered', '1795647162.36'],
			['call-ended', 'no-answer'],
			['call-offered', '1795647162.36'],
			['call-ended', 'customer-hangup'],
		]);
		// No QueueMemberPause in the capture: Asterisk did not pause the member (autopause off).
		expect(desk.state().agent.state).toBe('ready');
		// One PBX call (one Linkedid): one callid for both rings, one History row, one missed call.
		const callId = formatCallIdTime(1795647162_000) + '036';
		expect(desk.pops.ring.map((call) => call.callId)).toEqual([callId, callId]);
		expect(desk.state().recentCalls.map((record) => [record.callId, record.endCause])).toEqual([
			[callId, 'customer-hangup'],
		]);
		expect(desk.state().shift.callsMissed).toBe(1);
		expect(desk.state().queue).toEqual([]);
	});

	it('ends with agent-hangup when the agent hangs up on the phone, whatever AgentComplete says (13)', async () => {
		const desk = await startDesk('13-agent-hangs-up');
		await connectAndLogin(desk);
		await desk.server.playUntilNextAction();
		await desk.waitFor('call-answered');
		// The rest of the capture, without ctidesk sending Hangup: as if the phone hung up.
		await desk.server.playAll();
		const ended = await desk.waitFor('call-ended');
		expect(ended).toMatchObject({pbxCallId: '1795647187.42', cause: 'agent-hangup'});
		expect(desk.sent('Hangup')).toEqual([]);
	});

	it('hangs up from ctidesk with Hangup on the agent leg (13)', async () => {
		const desk = await startDesk('13-agent-hangs-up');
		await connectAndLogin(desk);
		await desk.server.playUntilNextAction();
		await desk.waitFor('call-answered');
		expect(await desk.store.run({type: 'hangup'})).toEqual({ok: true});
		expect(desk.sent('Hangup')[0]!.get('Channel')).toBe('Local/101@agent-phone-00000016;1');
		expect(await desk.waitFor('call-ended')).toMatchObject({cause: 'agent-hangup'});
	});
});

describe('asterisk driver: click-to-dial', () => {
	it('originates from the agent phone into the outbound context and tracks the call from the start (06)', async () => {
		const desk = await startDesk('06-outbound-click-to-dial');
		await connectAndLogin(desk);
		expect(await desk.store.run({type: 'dial', number: '13900139000'})).toEqual({ok: true});
		const originate = desk.sent('Originate')[0]!.toObject();
		expect(originate).toMatchObject({
			Channel: 'Local/101@agent-phone',
			Context: 'outbound',
			Exten: '13900139000',
			Priority: '1',
			Timeout: '30000',
			Async: 'true',
		});
		// Random (unique across desks), ending in <epoch s>.<ms> so the callid derives from it.
		expect(originate['ChannelId']).toMatch(/^ctidesk-[0-9a-f]{8}-\d{10}\.\d{3}$/);
		expect(originate['OtherChannelId']).toBe(`${originate['ChannelId']}-2`);
		await desk.waitFor('call-answered');
		expect(desk.state().agent.state).toBe('talking');
		expect(await desk.store.run({type: 'hangup'})).toEqual({ok: true});
		// Asterisk ignored no ChannelId here (the recording had none): the channel was adopted.
		expect(desk.sent('Hangup')[0]!.get('Channel')).toBe('Local/101@agent-phone-00000003;1');
		await desk.waitFor('call-ended');
		const id = originate['ChannelId'];
		expect(callEvents(desk.events)).toEqual([
			{
				type: 'call-dialing',
				at: expect.any(Number),
				pbxCallId: id,
				// The ChannelId ends in the dial's <epoch s>.<ms>: that second and millisecond.
				callId:
					formatCallIdTime(desk.clock.now()) + String(desk.clock.now() % 1000).padStart(3, '0'),
				origin: 2,
				number: '13900139000',
				callerId: '101',
				calledId: '13900139000',
				groupId: 'support',
			},
			{type: 'call-answered', at: expect.any(Number), pbxCallId: id},
			{type: 'call-ended', at: expect.any(Number), pbxCallId: id, cause: 'agent-hangup'},
		]);
		expect(popParams(desk.pops.ring[0]!)).toMatchObject({
			origin: '2',
			number: '13900139000',
			calledid: '13900139000',
			agentid: '1',
			empid: '001',
		});
	});

	it('uses its own ChannelId as the Linkedid and answers only when the far end does (15)', async () => {
		const desk = await startDesk('15-originate-channelid', {
			mode: 'step',
			newChannelId: () => 'ctidesk-c2d-0001',
		});
		await connectAndLogin(desk);
		expect(await desk.store.run({type: 'dial', number: '13900139000'})).toEqual({ok: true});
		expect(desk.sent('Originate')[0]!.get('OtherChannelId')).toBe('ctidesk-c2d-0001-2');
		expect(desk.state().call).toMatchObject({pbxCallId: 'ctidesk-c2d-0001', state: 'dialing'});
		// The agent picked up their own phone: still dialing until the far end answers.
		await desk.server.playUntil((m) => m.event === 'OriginateResponse');
		await desk.server.playUntil(
			(m) => m.event === 'DialState' && m.get('DestChannel')?.includes('pstn') === true,
		);
		expect(desk.state().agent.state).toBe('dialing');
		await desk.server.playUntil((m) => m.event === 'BridgeEnter');
		await until(() => desk.state().agent.state === 'talking', 'talking');
		await desk.store.run({type: 'hangup'});
		expect(desk.sent('Hangup')[0]!.get('Channel')).toBe('Local/101@agent-phone-00000004;1');
		await desk.server.playAll();
		expect(await desk.waitFor('call-ended')).toEqual({
			type: 'call-ended',
			at: expect.any(Number),
			pbxCallId: 'ctidesk-c2d-0001',
			cause: 'agent-hangup',
		});
	});

	it('refuses a dial that Asterisk rejects at once and records no call (09)', async () => {
		const desk = await startDesk('09-errors');
		await connectAndLogin(desk);
		expect(await desk.store.run({type: 'dial', number: '999'})).toEqual({
			ok: false,
			code: 'pbx-refused',
			message: 'Asterisk refused Originate: Extension does not exist.',
		});
		expect(desk.state().call).toBeNull();
		expect(callEvents(desk.events)).toEqual([]);
		expect(desk.state().recentCalls).toEqual([]);
	});

	it('ends failed and no-answer originates by their OriginateResponse reason (14)', async () => {
		const desk = await startDesk('14-originate-failures', {iface: 'Local/103@agent-phone'});
		await connectAndLogin(desk);
		expect(await desk.store.run({type: 'dial', number: '13900139000'})).toEqual({ok: true});
		await desk.waitFor('call-ended');
		expect(await desk.store.run({type: 'dial', number: '13900139000'})).toMatchObject({
			ok: false,
			code: 'pbx-refused',
			message: expect.stringContaining('Originate failed'),
		});
		expect(await desk.store.run({type: 'dial', number: '13900139000'})).toEqual({ok: true});
		await until(
			() => desk.events.filter((e) => e.type === 'call-ended').length === 2,
			'second end',
		);
		expect(callEvents(desk.events).map((e) => ('cause' in e ? e.cause : e.type))).toEqual([
			'call-dialing',
			'failed',
			'call-dialing',
			'no-answer',
		]);
		expect(desk.state().recentCalls.map((record) => record.endCause)).toEqual([
			'no-answer',
			'failed',
		]);
		expect(desk.state().call).toBeNull();
	});
});

describe('asterisk driver: transfer and hold', () => {
	it('blind-transfers with BlindTransfer on the agent leg (07)', async () => {
		const desk = await startDesk('07-blind-transfer');
		await connectAndLogin(desk);
		await desk.server.playUntilNextAction();
		await desk.waitFor('call-answered');
		expect(await desk.store.run({type: 'transfer', target: '102', mode: 'blind'})).toEqual({
			ok: true,
		});
		expect(desk.sent('BlindTransfer')[0]!.toObject()).toMatchObject({
			Channel: 'Local/101@agent-phone-00000006;1',
			Context: 'internal',
			Exten: '102',
		});
		await desk.waitFor('call-ended');
		await desk.server.playAll();
		expect(callEvents(desk.events).map((e) => e.type)).toEqual([
			'call-offered',
			'call-answered',
			'call-transferred',
			'call-ended',
		]);
		expect(desk.events.find((e) => e.type === 'call-transferred')).toMatchObject({
			target: '102',
			mode: 'blind',
		});
		expect(desk.state().recentCalls[0]).toMatchObject({
			endCause: 'transferred',
			transferTarget: '102',
			transferMode: 'blind',
		});
	});

	it('blind-transfers with Redirect of the customer when configured so (07b)', async () => {
		const desk = await startDesk('07b-redirect-transfer', {
			dialplan: {blindTransferAction: 'Redirect'},
		});
		await connectAndLogin(desk);
		await desk.server.playUntilNextAction();
		await desk.waitFor('call-answered');
		expect(await desk.store.run({type: 'transfer', target: '102', mode: 'blind'})).toEqual({
			ok: true,
		});
		expect(desk.sent('Redirect')[0]!.toObject()).toMatchObject({
			Channel: 'Local/s@incoming-00000008;2',
			Context: 'internal',
			Exten: '102',
			Priority: '1',
		});
		expect(await desk.waitFor('call-ended')).toMatchObject({
			pbxCallId: expect.stringMatching(/\.16$/),
			cause: 'transferred',
		});
		expect(desk.state().recentCalls[0]).toMatchObject({
			endCause: 'transferred',
			transferTarget: '102',
		});
	});

	it('consults with Atxfer and completes by hanging up the agent leg (10)', async () => {
		const desk = await startDesk('10-attended-transfer');
		await connectAndLogin(desk);
		await desk.server.playUntilNextAction();
		await desk.waitFor('call-answered');
		expect(await desk.store.run({type: 'transfer', target: '102', mode: 'consult'})).toEqual({
			ok: true,
		});
		expect(desk.sent('Atxfer')[0]!.toObject()).toMatchObject({
			Channel: 'Local/101@agent-phone-0000000e;1',
			Context: 'internal',
			Exten: '102',
		});
		await desk.waitFor('consult-answered');
		expect(desk.state().call).toMatchObject({
			state: 'held',
			consult: {target: '102', state: 'talking'},
		});
		expect(await desk.store.run({type: 'complete-transfer'})).toEqual({ok: true});
		expect(desk.sent('Hangup')[0]!.get('Channel')).toBe('Local/101@agent-phone-0000000e;1');
		await desk.waitFor('call-ended');
		expect(callEvents(desk.events).map((e) => e.type)).toEqual([
			'call-offered',
			'call-answered',
			'call-held',
			'consult-started',
			'consult-answered',
			'call-transferred',
			'call-ended',
		]);
		expect(desk.state().recentCalls[0]).toMatchObject({
			endCause: 'transferred',
			transferTarget: '102',
			transferMode: 'consult',
		});
	});

	it('holds into the contexts named in the config', async () => {
		const desk = await startDesk('16-hold-redirect-bridge', {
			config: {holdContext: 'moh-hold', agentWaitContext: 'agent-park'},
		});
		await connectAndLogin(desk);
		await desk.server.playUntilNextAction();
		await desk.waitFor('call-answered');
		expect(await desk.store.run({type: 'hold'})).toEqual({ok: true});
		expect(desk.sent('Redirect')[0]!.toObject()).toMatchObject({
			Context: 'moh-hold',
			ExtraContext: 'agent-park',
		});
	});

	it('holds with a dual Redirect and resumes with Bridge (16)', async () => {
		const desk = await startDesk('16-hold-redirect-bridge');
		await connectAndLogin(desk);
		await desk.server.playUntilNextAction();
		await desk.waitFor('call-answered');
		expect(await desk.store.run({type: 'hold'})).toEqual({ok: true});
		expect(desk.sent('Redirect')[0]!.toObject()).toMatchObject({
			Channel: 'Local/s@incoming-00000006;2',
			Context: 'hold',
			Exten: 's',
			Priority: '1',
			ExtraChannel: 'Local/101@agent-phone-00000007;1',
			ExtraContext: 'agent-wait',
			ExtraExten: 's',
			ExtraPriority: '1',
		});
		expect(desk.state().agent.state).toBe('held');
		desk.clock.advance(4000);
		expect(await desk.store.run({type: 'unhold'})).toEqual({ok: true});
		expect(desk.sent('Bridge')[0]!.toObject()).toMatchObject({
			Channel1: 'Local/101@agent-phone-00000007;1',
			Channel2: 'Local/s@incoming-00000006;2',
			Tone: 'no',
		});
		expect(desk.state().agent.state).toBe('talking');
		expect(await desk.store.run({type: 'hangup'})).toEqual({ok: true});
		await desk.waitFor('call-ended');
		expect(callEvents(desk.events).map((e) => ('cause' in e ? e.cause : e.type))).toEqual([
			'call-offered',
			'call-answered',
			'call-held',
			'call-resumed',
			'agent-hangup',
		]);
		expect(desk.state().recentCalls[0]).toMatchObject({heldMs: 4000, endCause: 'agent-hangup'});
	});
});

describe('asterisk driver: the link', () => {
	it.each([['02-login-bad'], ['02b-login-unknown-user']])(
		'says plainly that the login was refused and keeps retrying (%s)',
		async (scenario) => {
			const desk = await startDesk(scenario, {secret: 'wrong-secret'});
			const down = await desk.waitFor('connection-changed');
			expect(down).toMatchObject({
				connected: false,
				message: expect.stringMatching(
					/refused the AMI login of "ctidesk": wrong username or secret/,
				),
			});
			expect(desk.state().pbx).toMatchObject({connected: false});
			expect(await desk.driver.login(identity)).toMatchObject({ok: false, code: 'pbx-unavailable'});
			expect(await desk.store.run({type: 'login', user: '101', password: 'x'})).toMatchObject({
				ok: false,
				code: 'pbx-unavailable',
			});
			desk.clock.advance(60_000);
			await desk.server.waitForConnections(2);
			await until(() => desk.sent('Login').length === 2, 'second login');
		},
	);

	it('after an Asterisk restart reconnects, re-adds the forgotten member as it was and reports no call twice (08)', async () => {
		const desk = await startDesk(['08-restart', '08-restart-reconnect'], {mode: 'step'});
		await connectAndLogin(desk);
		expect(await desk.store.run({type: 'ready'})).toEqual({ok: true});
		expect(desk.state().agent.state).toBe('ready');
		await desk.server.playAll();
		const down = await desk.waitFor(
			'connection-changed',
			(e) => e.type === 'connection-changed' && !e.connected,
		);
		expect(down).toMatchObject({message: 'Asterisk shut down or is restarting. Reconnecting.'});
		expect(await desk.driver.setNotReady('lunch')).toMatchObject({
			ok: false,
			code: 'pbx-unavailable',
		});
		const before = desk.events.length;
		desk.clock.advance(1000);
		await desk.server.waitForConnections(2);
		await desk.waitFor(
			'connection-changed',
			(e) => e.type === 'connection-changed' && e.connected && desk.events.indexOf(e) >= before,
		);
		const readd = desk.server.received.filter(
			(entry) => entry.connection === 1 && entry.action === 'QueueAdd',
		);
		expect(readd.map((entry) => entry.message.toObject())).toEqual([
			expect.objectContaining({
				Queue: 'support',
				Interface: 'Local/101@agent-phone',
				Paused: 'false',
			}),
		]);
		expect(
			desk.server.received.filter((entry) => entry.connection === 1).map((entry) => entry.action),
		).toEqual(['Login', 'QueueStatus', 'CoreShowChannels', 'QueueAdd']);
		expect(desk.events.slice(before).map((e) => e.type)).toEqual([
			'pbx-reconciled',
			'connection-changed',
		]);
		expect(desk.events.find((e) => e.type === 'pbx-reconciled')).toMatchObject({
			changes: [{what: 'member-added', queue: 'support', paused: false, reason: null}],
		});
		expect(desk.state().agent).toMatchObject({state: 'ready', identity: {agentId: '1'}});
	});
});

const callIdOf04 = formatCallIdTime(1795647030_000) + '000';

// The two channels of 04's answered call as CoreShowChannels lists them (fields as in 09).
const callInProgress = [
	{
		Event: 'CoreShowChannel',
		Channel: 'Local/101@agent-phone-00000001;1',
		ChannelStateDesc: 'Up',
		CallerIDNum: '13800138000',
		Context: 'agent-phone',
		Exten: 's',
		Uniqueid: '1795647031.2',
		Linkedid: '1795647030.0',
		Application: 'AppQueue',
		BridgeId: '329a699a-e768-4141-ac4e-b60c4f3ca5b0',
	},
	{
		Event: 'CoreShowChannel',
		Channel: 'Local/s@incoming-00000000;2',
		ChannelStateDesc: 'Up',
		CallerIDNum: '13800138000',
		Context: 'incoming',
		Exten: 's',
		Uniqueid: '1795647030.1',
		Linkedid: '1795647030.0',
		Application: 'Queue',
		BridgeId: '329a699a-e768-4141-ac4e-b60c4f3ca5b0',
	},
];

describe('asterisk driver: a call across a lost link', () => {
	async function answeredThenDropped(
		channels: Array<Record<string, string>>,
	): Promise<{desk: Desk; before: number}> {
		const desk = await startDesk(['04-inbound-answered', '01-login-ok'], {
			unmatched: resyncReplies(channels),
		});
		await connectAndLogin(desk);
		await desk.server.playUntil((m) => m.event === 'BridgeEnter');
		await desk.waitFor('call-answered');
		const before = desk.events.length;
		desk.server.kill();
		await desk.waitFor(
			'connection-changed',
			(e) => e.type === 'connection-changed' && !e.connected,
		);
		desk.clock.advance(1000);
		await desk.server.waitForConnections(2);
		await desk.waitFor(
			'connection-changed',
			(e) => e.type === 'connection-changed' && e.connected && desk.events.indexOf(e) > before,
		);
		return {desk, before};
	}

	it('keeps a call that is still up after the reconnect, without a second ring or answer', async () => {
		const {desk, before} = await answeredThenDropped(callInProgress);
		expect(desk.events.slice(before).map((e) => e.type)).toEqual([
			'connection-changed',
			'connection-changed',
		]);
		expect(desk.state().call).toMatchObject({callId: callIdOf04, state: 'talking'});
		expect(desk.pops.ring).toHaveLength(1);
		expect(desk.pops.answer).toHaveLength(1);
	});

	it('ends the call as connection-lost when Asterisk no longer has it', async () => {
		const {desk, before} = await answeredThenDropped([]);
		expect(desk.events.slice(before).map((e) => ('cause' in e ? e.cause : e.type))).toEqual([
			'connection-changed',
			'connection-lost',
			'connection-changed',
		]);
		expect(desk.state().recentCalls[0]).toMatchObject({
			callId: callIdOf04,
			endCause: 'connection-lost',
		});
	});
});

describe('asterisk driver: during a call and from elsewhere', () => {
	it('sends DTMF to the customer with PlayDTMF and mutes the agent with MuteAudio (04)', async () => {
		const desk = await startDesk('04-inbound-answered');
		await connectAndLogin(desk);
		await desk.server.playUntil((m) => m.event === 'BridgeEnter');
		await desk.waitFor('call-answered');
		expect(await desk.store.run({type: 'dtmf', digits: '12#'})).toEqual({ok: true});
		expect(
			desk.sent('PlayDTMF').map((m) => [m.get('Channel'), m.get('Digit'), m.get('Receive')]),
		).toEqual([
			['Local/s@incoming-00000000;2', '1', undefined],
			['Local/s@incoming-00000000;2', '2', undefined],
			['Local/s@incoming-00000000;2', '#', undefined],
		]);
		expect(desk.events.find((e) => e.type === 'dtmf-sent')).toMatchObject({
			pbxCallId: '1795647030.0',
			digits: '12#',
		});
		expect(await desk.store.run({type: 'mute'})).toEqual({ok: true});
		expect(desk.sent('MuteAudio')[0]!.toObject()).toMatchObject({
			Channel: 'Local/101@agent-phone-00000001;1',
			Direction: 'in',
			State: 'on',
		});
		expect(desk.state().call?.muted).toBe(true);
		expect(await desk.store.run({type: 'answer'})).toMatchObject({
			ok: false,
			code: 'not-supported',
		});
	});

	it('follows a pause made elsewhere (a supervisor) and logs out with QueueRemove', async () => {
		const desk = await startDesk('04-inbound-answered');
		await connectAndLogin(desk);
		await until(() => desk.state().agent.state === 'ready', 'ready');
		// The QueueMemberPause block exactly as 03 recorded it.
		const recorded = loadPauseEvent();
		await desk.server.inject(recorded);
		await until(() => desk.state().agent.state === 'not-ready', 'paused elsewhere');
		expect(desk.state().agent.reason).toBe('lunch');
		expect(await desk.store.run({type: 'logout'})).toEqual({ok: true});
		expect(desk.sent('QueueRemove')[0]!.toObject()).toMatchObject({
			Queue: 'support',
			Interface: 'Local/101@agent-phone',
		});
		expect(desk.state().agent).toMatchObject({state: 'logged-out', identity: null});
	});
});

function loadPauseEvent(): string {
	const text = readFileSync(
		new URL('../../fixtures/asterisk-ami/03-queue-member-add-pause.ami', import.meta.url),
		'latin1',
	);
	const block = text
		.split('\r\n\r\n')
		.find((part) => part.startsWith('Event: QueueMemberPause') && part.includes('Paused: 1'));
	if (!block) throw new Error('03 has no QueueMemberPause');
	return `${block}\r\n\r\n`;
}
