// The Asterisk driver's parts on their own, row by row over the recorded captures: the event
// table with the call tracker and call events (what each capture's events become), presence
// (membership and pause), and consult's ways to end. No socket: the recorded events are fed
// straight into the table, and actions go to a link that records them and answers Success.
import {describe, expect, it} from 'vitest';
import {defaultConfig} from '../../../source/config/schema.js';
import type {DriverEvent} from '../../../source/core/types.js';
import {AmiMessage} from '../../../source/cti/asterisk/ami/parser.js';
import type {AmiAction} from '../../../source/cti/asterisk/ami/serializer.js';
import {createCallEvents} from '../../../source/cti/asterisk/call-events.js';
import {createCallTracker} from '../../../source/cti/asterisk/call-tracker.js';
import {createConsult} from '../../../source/cti/asterisk/consult.js';
import {resolveDialplan} from '../../../source/cti/asterisk/dialplan.js';
import {isInterface, type DriverContext} from '../../../source/cti/asterisk/driver-context.js';
import {membershipOf} from '../../../source/cti/asterisk/event-map.js';
import {createEventTable} from '../../../source/cti/asterisk/event-table.js';
import type {AmiLink} from '../../../source/cti/asterisk/link.js';
import {createPresence} from '../../../source/cti/asterisk/presence.js';
import {createQueueGroups} from '../../../source/cti/asterisk/queue-groups.js';
import {newTrackedCall} from '../../../source/cti/asterisk/tracked-call.js';
import {createWaitingCallers} from '../../../source/cti/asterisk/waiting-callers.js';
import {loadAmiScenario} from '../../helpers/fake-ami-server.js';

const agent = {user: '101', agentId: '1', empId: '001', extension: '101', groups: ['support']};

function harness(iface = 'Local/101@agent-phone') {
	const sent: AmiAction[] = [];
	const events: DriverEvent[] = [];
	const success = AmiMessage.from([['Response', 'Success']]);
	const link: AmiLink = {
		up: true,
		setConnection: () => undefined,
		setUp: () => undefined,
		request: async (action) => {
			sent.push(action);
			return {ok: true, response: success};
		},
		requestList: async (action) => {
			sent.push(action);
			return {response: success, events: []};
		},
		fire: (action) => void sent.push(action),
		unavailable: () => ({ok: false, code: 'pbx-unavailable', message: 'down'}),
	};
	let seq = 0;
	const config = {...defaultConfig().pbx.asterisk, interface: iface, queues: ['support']};
	const context: DriverContext = {
		config,
		iface,
		groups: createQueueGroups(config.queues),
		dialplan: resolveDialplan(config),
		link,
		now: () => 1_800_000_000_000,
		emit: (event) => events.push(event),
		eventSeq: () => seq,
		ours: (value) => isInterface(value, iface),
	};
	const tracker = createCallTracker(context);
	const waiting = createWaitingCallers(context);
	const presence = createPresence(context, {onLoggedOut: () => undefined});
	const consult = createConsult(context, tracker);
	const calls = createCallEvents(context, tracker, consult, presence);
	const table = createEventTable({
		presence,
		waiting,
		calls,
		onQueueChange: () => waiting.report(true),
	});
	/** Plays every event of a capture through the table, as the driver does. */
	const play = (scenario: string) => {
		for (const {message} of loadAmiScenario(scenario).messages) {
			if (message.kind !== 'event') continue;
			seq += 1;
			if (message.event) table[message.event]?.(message);
		}
	};
	return {sent, events, tracker, presence, consult, play};
}

const summary = (events: DriverEvent[]) =>
	events
		.filter((event) => event.type.startsWith('call-'))
		.map((event) => (event.type === 'call-ended' ? `ended:${event.cause}` : event.type));

describe('event table + call tracker over the captures', () => {
	it.each<[string, string, string[]]>([
		[
			'04-inbound-answered',
			'Local/101@agent-phone',
			['call-offered', 'call-answered', 'ended:customer-hangup'],
		],
		['05-inbound-abandoned', 'Local/101@agent-phone', []],
		[
			'13-agent-hangs-up',
			'Local/101@agent-phone',
			['call-offered', 'call-answered', 'ended:agent-hangup'],
		],
		[
			'12-agent-ringnoanswer',
			'Local/103@agent-phone',
			['call-offered', 'ended:no-answer', 'call-offered', 'ended:customer-hangup'],
		],
		[
			'17-restart-channel-reuse',
			'Local/101@agent-phone',
			['call-offered', 'call-answered', 'ended:customer-hangup'],
		],
	])('%s', async (scenario, iface, expected) => {
		const h = harness(iface);
		await h.presence.login(agent);
		h.play(scenario);
		expect(summary(h.events)).toEqual(expected);
		expect(h.tracker.current()).toBeNull();
	});

	it('17 then 17b: after forgetLink the reused channel names ring again', async () => {
		const h = harness();
		await h.presence.login(agent);
		h.play('17-restart-channel-reuse');
		h.tracker.forgetLink();
		h.play('17b-restart-channel-reuse-after');
		const offered = h.events.filter((event) => event.type === 'call-offered');
		expect(offered.map((event) => event.type === 'call-offered' && event.pbxCallId)).toEqual([
			'1796588193.0',
			'1796588207.0',
		]);
		expect(summary(h.events)).toEqual([
			'call-offered',
			'call-answered',
			'ended:customer-hangup',
			'call-offered',
			'call-answered',
			'ended:customer-hangup',
		]);
	});

	it('ignores every call event while the agent is logged out', () => {
		const h = harness();
		h.play('04-inbound-answered');
		expect(summary(h.events)).toEqual([]);
	});
});

describe('presence', () => {
	it.each<[string, Array<[string, string]>, string, string | null]>([
		['added unpaused', [['Paused', '0']], 'ready', null],
		[
			'paused with a reason',
			[
				['Paused', '1'],
				['PausedReason', 'lunch'],
			],
			'not-ready',
			'lunch',
		],
		[
			'paused without a reason',
			[
				['Paused', '1'],
				['PausedReason', ''],
			],
			'not-ready',
			null,
		],
	])('QueueMemberPause %s → %s', async (_, fields, state, reason) => {
		const h = harness();
		await h.presence.login(agent);
		h.events.length = 0;
		h.presence.onMemberEvent(
			AmiMessage.from([
				['Event', 'QueueMemberPause'],
				['Queue', 'support'],
				['Interface', 'Local/101@agent-phone'],
				...fields,
			]),
		);
		expect(h.events).toEqual([
			expect.objectContaining({type: 'agent-state-changed', state, reason}),
		]);
	});

	it.each<
		[
			string,
			{paused: boolean; reason: string | null},
			Array<[string, string]> | null,
			Record<string, string> | null,
			string | null,
		]
	>([
		[
			'a forgotten member is added back as intended',
			{paused: true, reason: 'wrap-up'},
			null,
			{Action: 'QueueAdd', Paused: 'true', Reason: 'wrap-up'},
			'member-added',
		],
		[
			'an unpaused member in wrap-up is paused again',
			{paused: true, reason: 'wrap-up'},
			[['Paused', '0']],
			{Action: 'QueuePause', Paused: 'true', Reason: 'wrap-up'},
			'member-paused',
		],
		[
			'a paused member the agent wants ready is unpaused',
			{paused: false, reason: null},
			[['Paused', '1']],
			{Action: 'QueuePause', Paused: 'false'},
			'member-unpaused',
		],
		[
			'a member as intended is left alone',
			{paused: false, reason: null},
			[['Paused', '0']],
			null,
			null,
		],
	])('reconcile: %s', async (_, intent, member, action, change) => {
		const h = harness();
		await h.presence.login(agent);
		h.presence.setIntent(intent);
		h.sent.length = 0;
		const listed = member
			? membershipOf(
					member.find(([key]) => key === 'Paused')?.[1],
					member.find(([key]) => key === 'PausedReason')?.[1],
				)
			: null;
		const listings = [{queue: 'support', listed, mark: 0}];
		const changes = await h.presence.enforceIntent(listings);
		const serialised = h.sent.map((sent) =>
			Object.fromEntries(
				Object.entries(sent)
					.filter(([, value]) => value !== undefined)
					.map(([key, value]) => [key, String(value)]),
			),
		);
		if (action) expect(serialised).toEqual([expect.objectContaining(action)]);
		else expect(serialised).toEqual([]);
		expect(changes.map((entry) => entry.what)).toEqual(change ? [change] : []);
	});
});

describe('consult: every way it ends without a transfer', () => {
	function talkingCall(h: ReturnType<typeof harness>) {
		const call = newTrackedCall(
			{
				pbxCallId: '1796588255.4',
				origin: 1,
				number: '13600136000',
				callerId: '13600136000',
				calledId: 'support',
				groupId: 'support',
			},
			'1796588255.4',
			0,
		);
		h.tracker.setAgentLeg(call, 'Local/101@agent-phone-00000003;1', '1796588255.6');
		h.tracker.setCustomer(call, 'Local/s@incoming-00000002;2');
		h.tracker.track(call);
		h.tracker.answer(call);
		return call;
	}

	it.each<
		[
			string,
			(h: ReturnType<typeof harness>, call: ReturnType<typeof talkingCall>) => void,
			string | null,
		]
	>([
		[
			'the consult leg hangs up unanswered (19)',
			(h, call) => h.consult.onLegHangup(call),
			'104 could not be reached',
		],
		[
			'Asterisk gives the agent back with no consult leg (19b)',
			(h, call) => h.consult.onAgentUnhold(call),
			'could not start the consult to 104',
		],
		[
			'the consulted party hangs up after answering',
			(h, call) => {
				h.consult.noteLeg(call, 'Local/104@internal-00000004;1');
				h.consult.onDialEnd(call, 'ANSWER');
				h.consult.onLegHangup(call);
			},
			'104 hung up',
		],
	])('%s: back with the customer, told why', async (_, end, why) => {
		const h = harness();
		const call = talkingCall(h);
		expect(await h.consult.start(call, '104')).toEqual({ok: true});
		end(h, call);
		const ended = h.events.find((event) => event.type === 'consult-ended');
		expect(ended).toMatchObject({reason: expect.stringContaining(why!)});
		expect(call.consult).toBeNull();
		expect(call.held).toBe(false);
		expect(h.events.at(-1)?.type).toBe('call-resumed');
	});

	it('refuses the transfer when Asterisk gave the agent back before the Atxfer reply', async () => {
		const h = harness();
		const call = talkingCall(h);
		const started = h.consult.start(call, '102');
		h.consult.onAgentUnhold(call);
		expect(await started).toMatchObject({
			ok: false,
			code: 'pbx-refused',
			message: expect.stringContaining('102'),
		});
		expect(call.consult).toBeNull();
		expect(h.events.some((event) => event.type === 'consult-started')).toBe(false);
	});

	it('is no failure when the agent cancels: no reason given', async () => {
		const h = harness();
		const call = talkingCall(h);
		await h.consult.start(call, '104');
		expect(await h.consult.cancel(call)).toEqual({ok: true});
		h.consult.onAgentUnhold(call);
		expect(h.events.filter((event) => event.type === 'consult-ended')).toEqual([
			expect.not.objectContaining({reason: expect.anything()}),
		]);
	});
});
