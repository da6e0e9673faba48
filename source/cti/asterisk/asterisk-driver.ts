// The Asterisk driver: ctidesk's Driver contract over AMI. It maps commands to AMI actions and
// AMI events to DriverEvents for this agent's calls and queues, and knows nothing of sockets:
// ami/connection.ts owns the link, the login, ActionIDs and reconnecting.
//
// How ctidesk's words map to Asterisk (the recorded captures in test/fixtures/asterisk-ami/
// are the ground truth; NN below names the capture a rule comes from):
// - login = QueueAdd of `interface` to every configured queue, paused (like the simulator: calls
//   come after an explicit ready); "Already there" counts as done (03). logout = QueueRemove
//   ("Not there" counts as done). ready / not-ready(reason) = QueuePause Paused false / true +
//   Reason. Presence is then what Asterisk says: QueueMemberAdded/Pause/Status/Removed (also
//   when a supervisor changes it), and QueueStatus after login and every reconnect.
// - A call is the agent's when its queue names our interface (AgentCalled/Connect/RingNoAnswer)
//   or when one of our interface's channels dials or is dialled. Its pbxCallId is the Linkedid,
//   shared by every channel of the call (04), so ring, answer and hangup carry the same id.
//   Outbound calls are originated with our own ChannelId, which becomes the Linkedid (15).
// - A call ends on the Hangup of the agent's channel, never on AgentComplete alone (its Reason
//   says `caller` when the agent hung up, and it never comes after a Redirect hold: 13, 16).
//   Who hung up first is the first HangupRequest/Hangup on either side (04: customer, 13: agent).
// - Hold (AMI has no Hold action, 16): Redirect the customer to `holdContext` and, in the same
//   action, the agent's channel to `agentWaitContext`; unhold = Bridge the two back together.
// - Blind transfer = BlindTransfer on the agent's channel (07), or Redirect of the customer (07b).
//   Consult transfer = Atxfer (10): Asterisk plays the atxfer feature code on the agent's channel;
//   completing it = hanging up the agent's channel (10); cancelling it = hanging up the consult
//   leg (or the atxferabort code while it is not known yet); conference = the atxferthreeway code.
// - Inbound calledId: the DID when the caller's extension is a number, else the queue name
//   (`s` in every capture says nothing). groupId: the queue name. Outbound groupId: the first queue.
import {randomBytes} from 'node:crypto';
import type {AsteriskConfig} from '../../config/schema.js';
import type {
	AgentIdentity,
	CallInfo,
	DriverEvent,
	EndCause,
	ErrorCode,
	QueueEntry,
	Result,
	TransferMode,
} from '../../core/types.js';
import {ok, refuse} from '../../core/types.js';
import {createEventStream} from '../event-stream.js';
import type {Capabilities, Clock, Driver} from '../driver.js';
import {
	AmiConnectionError,
	createAmiConnection,
	type AmiConnection,
	type AmiStatusChange,
} from './ami/connection.js';
import type {AmiMessage} from './ami/parser.js';
import {AmiSerializeError, type AmiAction} from './ami/serializer.js';
import {
	calledIdOf,
	causeOfDialStatus,
	causeOfHangupCode,
	causeOfOriginateReason,
	channelBase,
	describeLinkProblem,
	describeRefusal,
	isChannelOf,
	isOuterLeg,
	knownNumber,
	membershipOf,
	numberOfCallerId,
	presenceOf,
	type Membership,
} from './event-map.js';

/** Dialplan names and feature codes the driver relies on (defaults match the fixture configs). */
export interface AsteriskDialplan {
	/** Context the customer waits in while held (plays music on hold). */
	holdContext: string;
	holdExten: string;
	/** Context the agent's channel waits in while the customer is held. */
	agentWaitContext: string;
	agentWaitExten: string;
	/** How a blind transfer is done: BlindTransfer (keeps queue stats right) or Redirect (works without a bridge). */
	blindTransferAction: 'BlindTransfer' | 'Redirect';
	/** features.conf atxferthreeway (Asterisk's default is *3). */
	threeWayDigits: string;
	/** features.conf atxferabort (Asterisk's default is *1). */
	abortDigits: string;
}

export const defaultDialplan: AsteriskDialplan = {
	holdContext: 'hold',
	holdExten: 's',
	agentWaitContext: 'agent-wait',
	agentWaitExten: 's',
	blindTransferAction: 'BlindTransfer',
	threeWayDigits: '*3',
	abortDigits: '*1',
};

export interface AsteriskDriverOptions {
	config: AsteriskConfig;
	clock: Clock;
	/** A ready-made AMI connection (tests, custom reconnect policy); otherwise one is made from config. */
	connection?: AmiConnection;
	dialplan?: Partial<AsteriskDialplan>;
	/** QueueAdd StateInterface: the device whose state Asterisk watches; default `config.interface`. */
	stateInterface?: string;
	/** How long the agent's own phone may ring for a click-to-dial. */
	originateTimeoutMs?: number;
	/** The Uniqueid (and so Linkedid) given to an originated call; its other half gets `<id>-2`. */
	newChannelId?: () => string;
}

const capabilities: Capabilities = {
	// Only the phone can go off-hook: AMI cannot answer a SIP phone's ringing channel.
	answer: false,
	hold: true,
	dial: true,
	blindTransfer: true,
	consultTransfer: true,
	conference: true,
	dtmf: true,
	mute: true,
	injectCall: false,
};

/** Numbers and transfer targets: digits with an optional leading +, and * #. */
const dialable = /^\+?[0-9*#]{1,32}$/;

/** Bounded memory of finished things (ended agent channels, departed callers). */
const memoryLimit = 500;

interface Consult {
	target: string;
	/** Atxfer dials `Local/<target>@<context>`: every channel of the consult leg starts with this. */
	prefix: string;
	channel: string | null;
	answered: boolean;
	/** consult-started was emitted (events can come before the Atxfer reply is read). */
	announced: boolean;
}

interface TrackedCall {
	info: CallInfo;
	linkedIds: Set<string>;
	/** The agent's leg (the `;1` half for a Local interface). */
	agentChannel: string | null;
	/** The customer's channel bridged with the agent (hold, DTMF). */
	customerChannel: string | null;
	/** Both halves of the customer's Local pairs, by channelBase. */
	customerBases: Set<string>;
	reported: boolean;
	answered: boolean;
	held: boolean;
	muted: boolean;
	ended: boolean;
	endCause: EndCause | null;
	endReported: boolean;
	firstHangup: 'agent' | 'customer' | null;
	hangupRequested: boolean;
	transfer: {target: string; mode: TransferMode; reported: boolean} | null;
	consult: Consult | null;
	/** Outbound: why the far end was not reached (DialEnd, OriginateResponse). */
	failure: EndCause | null;
	/** Inbound: the DialStatus of the ring at the agent (CANCEL: answered elsewhere). */
	agentDialStatus: string | null;
	/** Outbound: Originate sent, the agent's channel not seen yet. */
	awaitingOriginate: boolean;
	originateActionId: string | null;
	channelId: string | null;
}

type Outcome = {ok: true; response: AmiMessage} | {ok: false; code: ErrorCode; message: string};

export function createAsteriskDriver(options: AsteriskDriverOptions): Driver {
	const {config, clock} = options;
	const iface = config.interface;
	const queues = new Set(config.queues);
	// The dialplan names the user configured (pbx.asterisk), then any the caller overrides.
	const dialplan: AsteriskDialplan = {
		...defaultDialplan,
		holdContext: options.config.holdContext ?? defaultDialplan.holdContext,
		agentWaitContext: options.config.agentWaitContext ?? defaultDialplan.agentWaitContext,
		blindTransferAction: options.config.blindTransfer ?? defaultDialplan.blindTransferAction,
		...options.dialplan,
	};
	const newChannelId = options.newChannelId ?? (() => `ctidesk-${randomBytes(6).toString('hex')}`);

	const events = createEventStream<DriverEvent>();

	let connection: AmiConnection | null = options.connection ?? null;
	let unsubscribe: Array<() => void> = [];
	let linkUp = false;
	let linkGeneration = 0;
	let lastProblem: string | null = null;
	let reportedConnection: string | null = null;

	let agent: AgentIdentity | null = null;
	const members = new Map<string, Membership>();
	/** eventSeq of the last member event per queue: a resync reply older than it is stale. */
	const memberSeq = new Map<string, number>();
	let reportedPresence = 'logged-out:';
	const waiting = new Map<string, QueueEntry & {seq: number}>();
	const departed = new Map<string, number>();
	let reportedQueue = '[]';
	let eventSeq = 0;

	let call: TrackedCall | null = null;
	const finishedAgentChannels = new Set<string>();
	const bridges = new Map<string, Set<string>>();
	const originateResponses = new Map<string, AmiMessage>();

	// ------------------------------------------------------------------------------------------
	// Events out

	const emit = events.emit;

	const now = () => clock.now();

	function remember<K>(set: Set<K> | Map<K, unknown>, key: K, value?: unknown): void {
		if (set instanceof Map) set.set(key, value);
		else set.add(key);
		if (set.size > memoryLimit) set.delete(set.keys().next().value as K);
	}

	function reportConnection(connected: boolean, message: string | null): void {
		const key = `${connected}:${message ?? ''}`;
		if (key === reportedConnection) return;
		reportedConnection = key;
		emit({type: 'connection-changed', at: now(), connected, message});
	}

	function updatePresence(): void {
		if (!agent) return;
		const presence = presenceOf(members.values());
		const key = `${presence.state}:${presence.reason ?? ''}`;
		if (key === reportedPresence) return;
		reportedPresence = key;
		emit({type: 'agent-state-changed', at: now(), state: presence.state, reason: presence.reason});
		if (presence.state === 'logged-out') {
			// Removed from every queue elsewhere (a supervisor, a restart without persistence).
			agent = null;
			emitQueue();
		}
	}

	function emitQueue(): void {
		const entries = agent
			? [...waiting.values()]
					.filter((entry) => queues.has(entry.groupId))
					.sort((a, b) => a.waitingSince - b.waitingSince || a.seq - b.seq)
					.map(({seq: _seq, ...entry}) => entry)
			: [];
		const key = JSON.stringify(entries);
		if (key === reportedQueue) return;
		reportedQueue = key;
		emit({type: 'queue-changed', at: now(), entries});
	}

	// ------------------------------------------------------------------------------------------
	// Call bookkeeping

	function newCall(info: CallInfo, linkedId: string): TrackedCall {
		return {
			info,
			linkedIds: new Set([linkedId]),
			agentChannel: null,
			customerChannel: null,
			customerBases: new Set(),
			reported: false,
			answered: false,
			held: false,
			muted: false,
			ended: false,
			endCause: null,
			endReported: false,
			firstHangup: null,
			hangupRequested: false,
			transfer: null,
			consult: null,
			failure: null,
			agentDialStatus: null,
			awaitingOriginate: false,
			originateActionId: null,
			channelId: null,
		};
	}

	function setCustomer(tracked: TrackedCall, channel: string): void {
		tracked.customerChannel = channel;
		tracked.customerBases.add(channelBase(channel));
	}

	function reportCall(tracked: TrackedCall): void {
		if (tracked.reported) return;
		tracked.reported = true;
		emit({
			type: tracked.info.origin === 1 ? 'call-offered' : 'call-dialing',
			at: now(),
			...tracked.info,
		});
	}

	function answer(tracked: TrackedCall): void {
		if (tracked.answered || tracked.ended) return;
		reportCall(tracked);
		tracked.answered = true;
		emit({type: 'call-answered', at: now(), pbxCallId: tracked.info.pbxCallId});
	}

	function setHeld(tracked: TrackedCall, held: boolean): void {
		if (tracked.held === held || tracked.ended || !tracked.answered) return;
		tracked.held = held;
		emit({type: held ? 'call-held' : 'call-resumed', at: now(), pbxCallId: tracked.info.pbxCallId});
	}

	function reportTransfer(tracked: TrackedCall, target: string, mode: TransferMode): void {
		if (tracked.transfer?.reported) return;
		tracked.transfer = {target, mode, reported: true};
		emit({type: 'call-transferred', at: now(), pbxCallId: tracked.info.pbxCallId, target, mode});
	}

	function endConsult(tracked: TrackedCall): void {
		if (!tracked.consult || tracked.ended) return;
		const {announced} = tracked.consult;
		tracked.consult = null;
		if (announced) emit({type: 'consult-ended', at: now(), pbxCallId: tracked.info.pbxCallId});
		// Asterisk gives the agent back to the customer when the consult leg goes away.
		setHeld(tracked, false);
	}

	/** Ends the call once; an outbound call not yet reported is reported by dial() first. */
	function endCall(tracked: TrackedCall, cause: EndCause): void {
		if (!tracked.ended) {
			tracked.ended = true;
			tracked.endCause = cause;
			if (tracked.agentChannel) remember(finishedAgentChannels, tracked.agentChannel);
			if (call === tracked) call = null;
		}
		if (!tracked.reported || tracked.endReported) return;
		tracked.endReported = true;
		const endCause = tracked.endCause ?? cause;
		if (endCause === 'transferred' && tracked.transfer && !tracked.transfer.reported) {
			reportTransfer(tracked, tracked.transfer.target, tracked.transfer.mode);
		}
		emit({type: 'call-ended', at: now(), pbxCallId: tracked.info.pbxCallId, cause: endCause});
	}

	function causeAtAgentHangup(tracked: TrackedCall, code: string | undefined): EndCause {
		if (tracked.transfer) return 'transferred';
		if (tracked.hangupRequested) return 'agent-hangup';
		if (tracked.answered)
			return tracked.firstHangup === 'customer' ? 'customer-hangup' : 'agent-hangup';
		if (tracked.info.origin === 2) {
			return (
				tracked.failure ??
				causeOfHangupCode(code) ??
				(tracked.firstHangup === 'agent' ? 'agent-hangup' : 'failed')
			);
		}
		// Inbound, never answered: the caller gave up (12), or the queue took the ring away.
		return tracked.firstHangup === 'customer' ? 'customer-hangup' : 'no-answer';
	}

	const callFor = (linkedId: string | undefined): TrackedCall | null =>
		call && linkedId !== undefined && call.linkedIds.has(linkedId) ? call : null;

	const ours = (value: string | undefined): boolean =>
		value !== undefined && (value === iface || value.toLowerCase() === iface.toLowerCase());

	const isConsultChannel = (tracked: TrackedCall, channel: string | undefined): boolean =>
		!!tracked.consult && !!channel && channel.startsWith(tracked.consult.prefix);

	/** The Originate'd agent leg shows up (06 carries no ChannelId): adopt its Linkedid. */
	function adopt(channel: string | undefined, linkedId: string | undefined): void {
		if (!call || !channel || !linkedId || !isChannelOf(channel, iface) || !isOuterLeg(channel))
			return;
		if (finishedAgentChannels.has(channel)) return;
		if (call.linkedIds.has(linkedId)) {
			call.agentChannel ??= channel;
			call.awaitingOriginate = false;
		} else if (call.awaitingOriginate) {
			call.linkedIds.add(linkedId);
			call.agentChannel ??= channel;
			call.awaitingOriginate = false;
		} else {
			return;
		}
		reportCall(call);
	}

	// ------------------------------------------------------------------------------------------
	// AMI events in

	function onAmiEvent(message: AmiMessage): void {
		eventSeq += 1;
		const get = (key: string) => message.get(key);
		switch (message.event) {
			case 'QueueMemberAdded':
			case 'QueueMemberPause':
			case 'QueueMemberStatus':
			case 'QueueMemberRemoved': {
				const queue = get('Queue');
				if (!queue || !queues.has(queue) || !ours(get('Interface')) || !agent) return;
				memberSeq.set(queue, eventSeq);
				if (message.event === 'QueueMemberRemoved') members.delete(queue);
				else members.set(queue, membershipOf(get('Paused'), get('PausedReason')));
				updatePresence();
				return;
			}
			case 'QueueCallerJoin': {
				const queue = get('Queue');
				const id = get('Uniqueid');
				if (!queue || !id || !queues.has(queue)) return;
				waiting.set(id, {
					id,
					number: knownNumber(get('CallerIDNum')),
					groupId: queue,
					waitingSince: now(),
					seq: eventSeq,
				});
				emitQueue();
				return;
			}
			case 'QueueCallerLeave':
			case 'QueueCallerAbandon': {
				const id = get('Uniqueid');
				if (!id) return;
				remember(departed, id, eventSeq);
				if (waiting.delete(id)) emitQueue();
				return;
			}
			case 'AgentCalled':
				onAgentCalled(message);
				return;
			case 'AgentConnect': {
				if (!ours(get('Interface'))) return;
				const tracked = callFor(get('Linkedid') ?? get('DestLinkedid'));
				if (tracked && tracked.agentChannel === get('DestChannel')) answer(tracked);
				return;
			}
			case 'AgentRingNoAnswer': {
				// 12: the queue gives up ringing this agent (it may ring again: a new AgentCalled).
				if (!ours(get('Interface')) || !call || call.agentChannel !== get('DestChannel')) return;
				endCall(call, 'no-answer');
				return;
			}
			case 'Newchannel':
			case 'Newstate':
				adopt(get('Channel'), get('Linkedid'));
				return;
			case 'DialBegin':
				onDialBegin(message);
				return;
			case 'DialEnd':
				onDialEnd(message);
				return;
			case 'BridgeEnter':
				onBridgeEnter(message);
				return;
			case 'BridgeLeave': {
				bridges.get(get('BridgeUniqueid') ?? '')?.delete(get('Channel') ?? '');
				return;
			}
			case 'BridgeDestroy':
				bridges.delete(get('BridgeUniqueid') ?? '');
				return;
			case 'Hold':
			case 'Unhold': {
				// The phone's own hold key, or Atxfer holding the transferer (10).
				if (!call || call.agentChannel !== get('Channel')) return;
				if (message.event === 'Unhold' && call.consult) return;
				setHeld(call, message.event === 'Hold');
				return;
			}
			case 'BlindTransfer': {
				if (!call || call.agentChannel !== get('TransfererChannel')) return;
				reportTransfer(call, get('Extension') ?? call.transfer?.target ?? '', 'blind');
				return;
			}
			case 'AttendedTransfer': {
				if (!call || call.agentChannel !== get('OrigTransfererChannel')) return;
				const target = call.consult?.target ?? call.transfer?.target ?? '';
				if ((get('DestType') ?? '').toLowerCase() === 'threeway') {
					conferenced(call, target);
				} else if ((get('Result') ?? 'Success').toLowerCase() === 'success') {
					reportTransfer(call, target, 'consult');
				}
				return;
			}
			case 'HangupRequest':
			case 'SoftHangupRequest':
			case 'Hangup':
				onHangup(message, message.event === 'Hangup');
				return;
			case 'OriginateResponse':
				onOriginateResponse(message);
				return;
			default:
				return;
		}
	}

	function onAgentCalled(message: AmiMessage): void {
		const get = (key: string) => message.get(key);
		const queue = get('Queue') ?? '';
		const dest = get('DestChannel');
		const linkedId = get('Linkedid') ?? get('DestLinkedid');
		if (!agent || !ours(get('Interface')) || !dest || !linkedId || finishedAgentChannels.has(dest))
			return;
		// One call at a time: a second ring while a call is up is not ours to show.
		if (call) return;
		const number = knownNumber(get('CallerIDNum'));
		const tracked = newCall(
			{
				pbxCallId: linkedId,
				origin: 1,
				number,
				callerId: number,
				calledId: calledIdOf(get('Exten'), queue),
				groupId: queue,
			},
			linkedId,
		);
		tracked.agentChannel = dest;
		const caller = get('Channel');
		if (caller) setCustomer(tracked, caller);
		call = tracked;
		reportCall(tracked);
	}

	function onDialBegin(message: AmiMessage): void {
		const source = message.get('Channel');
		const dest = message.get('DestChannel');
		if (!dest) return;
		if (!source) {
			// Originate's own dial has only Dest* fields (06, 15).
			adopt(dest, message.get('DestLinkedid'));
			if (call && isConsultChannel(call, dest) && isOuterLeg(dest)) call.consult!.channel ??= dest;
			return;
		}
		if (call && source === call.agentChannel) {
			// The agent's leg dials the far end of a click-to-dial.
			if (!call.customerChannel) setCustomer(call, dest);
			return;
		}
		if (call && isConsultChannel(call, source)) {
			call.consult!.channel ??= source.replace(/;2$/, ';1');
			return;
		}
		// Someone dials this agent's phone outside a queue (a direct or transferred call).
		if (!agent || call || !isChannelOf(dest, iface) || isChannelOf(source, iface)) return;
		if (finishedAgentChannels.has(dest)) return;
		const linkedId = message.get('Linkedid') ?? message.get('DestLinkedid');
		if (!linkedId) return;
		const number = knownNumber(message.get('CallerIDNum'));
		const tracked = newCall(
			{
				pbxCallId: linkedId,
				origin: 1,
				number,
				callerId: number,
				calledId: agent.extension,
				groupId: '',
			},
			linkedId,
		);
		tracked.agentChannel = dest;
		setCustomer(tracked, source);
		call = tracked;
		reportCall(tracked);
	}

	function onDialEnd(message: AmiMessage): void {
		if (!call) return;
		const source = message.get('Channel');
		const dest = message.get('DestChannel');
		const status = message.get('DialStatus');
		if (isConsultChannel(call, source) || isConsultChannel(call, dest)) {
			const consult = call.consult!;
			if (status?.toUpperCase() === 'ANSWER' && !consult.answered) {
				consult.answered = true;
				if (consult.announced)
					emit({type: 'consult-answered', at: now(), pbxCallId: call.info.pbxCallId});
			}
			return;
		}
		if (source && source === call.agentChannel && call.info.origin === 2) {
			const cause = causeOfDialStatus(status);
			if (cause === null) answer(call);
			else call.failure ??= cause;
			return;
		}
		if (dest && dest === call.agentChannel) {
			if (source) call.agentDialStatus = status ?? null;
			else if (call.info.origin === 2) {
				// The agent's own phone did not pick up the click-to-dial.
				const cause = causeOfDialStatus(status);
				if (cause) call.failure ??= cause === 'agent-hangup' ? 'failed' : cause;
			}
		}
	}

	function onBridgeEnter(message: AmiMessage): void {
		const id = message.get('BridgeUniqueid');
		const channel = message.get('Channel');
		if (!id || !channel) return;
		let bridge = bridges.get(id);
		if (!bridge) {
			bridge = new Set();
			bridges.set(id, bridge);
		}
		bridge.add(channel);
		const tracked = call;
		if (!tracked?.agentChannel || !bridge.has(tracked.agentChannel)) return;
		const withCustomer = [...bridge].some((member) =>
			tracked.customerBases.has(channelBase(member)),
		);
		if (!withCustomer) return;
		if (tracked.consult?.channel && bridge.has(tracked.consult.channel)) {
			conferenced(tracked, tracked.consult.target);
			return;
		}
		if (!tracked.answered) answer(tracked);
		else if (tracked.held && !tracked.consult) setHeld(tracked, false);
		else if (tracked.consult) endConsult(tracked);
	}

	function conferenced(tracked: TrackedCall, party: string): void {
		if (!tracked.consult || tracked.ended) return;
		tracked.consult = null;
		tracked.held = false;
		emit({type: 'call-conferenced', at: now(), pbxCallId: tracked.info.pbxCallId, party});
	}

	function onHangup(message: AmiMessage, final: boolean): void {
		const tracked = call;
		const channel = message.get('Channel');
		if (!tracked || !channel) return;
		if (!tracked.linkedIds.has(message.get('Linkedid') ?? '') && channel !== tracked.agentChannel)
			return;
		if (isConsultChannel(tracked, channel)) {
			if (final && !tracked.transfer) endConsult(tracked);
			return;
		}
		const base = channelBase(channel);
		const side =
			tracked.agentChannel && base === channelBase(tracked.agentChannel)
				? 'agent'
				: tracked.customerBases.has(base)
					? 'customer'
					: null;
		tracked.firstHangup ??= side;
		if (!final) return;
		if (channel === tracked.agentChannel) {
			endCall(tracked, causeAtAgentHangup(tracked, message.get('Cause')));
			return;
		}
		if (
			side === 'customer' &&
			channel === tracked.customerChannel &&
			tracked.held &&
			!tracked.consult
		) {
			// Held by Redirect (16), the agent's channel sits in agentWaitContext: free the phone.
			const agentChannel = tracked.agentChannel;
			endCall(tracked, 'customer-hangup');
			if (agentChannel && connection && linkUp) {
				void connection.send({Action: 'Hangup', Channel: agentChannel}).catch(() => undefined);
			}
		}
	}

	function onOriginateResponse(message: AmiMessage): void {
		const tracked = call;
		const matches =
			tracked?.info.origin === 2 &&
			((tracked.originateActionId !== null && message.actionId === tracked.originateActionId) ||
				(tracked.channelId !== null && message.get('Uniqueid') === tracked.channelId));
		if (!matches) {
			// The reply to our Originate may not have been seen yet: keep it for dial() to look up.
			if (message.actionId) remember(originateResponses, message.actionId, message);
			return;
		}
		applyOriginateResponse(tracked, message);
	}

	function applyOriginateResponse(tracked: TrackedCall, message: AmiMessage): void {
		if ((message.response ?? '').toLowerCase() === 'success') {
			const uniqueId = message.get('Uniqueid');
			// The `;1` half's Uniqueid is the call's Linkedid (06).
			if (uniqueId && uniqueId !== '<unknown>') tracked.linkedIds.add(uniqueId);
			adopt(message.get('Channel'), uniqueId);
			return;
		}
		tracked.failure ??= causeOfOriginateReason(message.get('Reason'));
		endCall(tracked, tracked.failure);
	}

	// ------------------------------------------------------------------------------------------
	// Link

	function onStatus(change: AmiStatusChange): void {
		if (change.status === 'connected') {
			linkUp = true;
			lastProblem = null;
			const generation = ++linkGeneration;
			if (!agent) {
				reportConnection(true, null);
				return;
			}
			void resync(true)
				.catch(() => undefined)
				.then(() => {
					if (linkUp && generation === linkGeneration) reportConnection(true, null);
				});
			return;
		}
		if (change.status === 'disconnected') {
			linkUp = false;
			linkGeneration += 1;
			bridges.clear();
			lastProblem = describeLinkProblem(change.reason, config);
			reportConnection(false, lastProblem);
		}
	}

	/**
	 * Brings the driver in line with Asterisk: queue membership and waiting callers (QueueStatus),
	 * and after a reconnect the call in progress (CoreShowChannels). Re-adds the member when
	 * Asterisk forgot it (a restart without persistent members), keeping ready/not-ready.
	 */
	async function resync(afterReconnect: boolean): Promise<void> {
		if (!connection) return;
		for (const queue of queues) {
			const mark = eventSeq;
			const list = await connection.sendList({Action: 'QueueStatus', Queue: queue});
			if ((list.response.response ?? '').toLowerCase() !== 'success') continue;
			let member: Membership | null = null;
			const entries: Array<QueueEntry & {seq: number}> = [];
			for (const item of list.events) {
				if (item.event === 'QueueMember' && ours(item.get('Location') ?? item.get('Interface'))) {
					member = membershipOf(item.get('Paused'), item.get('PausedReason'));
				} else if (item.event === 'QueueEntry') {
					const id = item.get('Uniqueid');
					if (!id || (departed.get(id) ?? -1) > mark) continue;
					const waitSeconds = Number(item.get('Wait') ?? '0');
					entries.push({
						id,
						number: knownNumber(item.get('CallerIDNum')),
						groupId: queue,
						waitingSince: now() - (Number.isFinite(waitSeconds) ? waitSeconds * 1000 : 0),
						seq: mark,
					});
				}
			}
			for (const [id, entry] of waiting)
				if (entry.groupId === queue && entry.seq <= mark) waiting.delete(id);
			for (const entry of entries) if (!waiting.has(entry.id)) waiting.set(entry.id, entry);
			if (!agent || (memberSeq.get(queue) ?? -1) > mark) continue;
			if (member) members.set(queue, member);
			else if (afterReconnect) await readd(queue);
		}
		updatePresence();
		emitQueue();
		if (afterReconnect) await resyncCall();
	}

	async function readd(queue: string): Promise<void> {
		if (!connection || !agent) return;
		const wanted = members.get(queue) ?? {paused: true, reason: null};
		const mark = eventSeq;
		const response = await connection.send({
			Action: 'QueueAdd',
			Queue: queue,
			Interface: iface,
			MemberName: memberName(agent),
			StateInterface: options.stateInterface ?? iface,
			Paused: wanted.paused,
			Reason: wanted.paused && wanted.reason ? wanted.reason : undefined,
		});
		if (!isSuccess(response) && !/already there/i.test(response.get('Message') ?? '')) return;
		if ((memberSeq.get(queue) ?? -1) <= mark) members.set(queue, wanted);
	}

	async function resyncCall(): Promise<void> {
		if (!connection) return;
		const list = await connection.sendList({Action: 'CoreShowChannels'});
		if ((list.response.response ?? '').toLowerCase() !== 'success') return;
		const channels = list.events.filter((item) => item.event === 'CoreShowChannel');
		bridges.clear();
		for (const item of channels) {
			const bridge = item.get('BridgeId') ?? item.get('BridgeID');
			const name = item.get('Channel');
			if (!bridge || !name) continue;
			if (!bridges.has(bridge)) bridges.set(bridge, new Set());
			bridges.get(bridge)!.add(name);
		}
		const partyOf = (item: AmiMessage): string | null => {
			const bridge = item.get('BridgeId') ?? item.get('BridgeID');
			if (!bridge) return null;
			for (const other of bridges.get(bridge) ?? []) if (!isChannelOf(other, iface)) return other;
			return null;
		};
		const tracked = call;
		if (tracked?.reported) {
			const leg = channels.find((item) =>
				tracked.agentChannel
					? item.get('Channel') === tracked.agentChannel
					: tracked.linkedIds.has(item.get('Linkedid') ?? ''),
			);
			if (!leg) {
				// Ended while the link was down, or Asterisk restarted: its end was not seen.
				endCall(tracked, 'connection-lost');
				return;
			}
			if (partyOf(leg) && !tracked.answered) answer(tracked);
			return;
		}
		if (tracked || !agent) return;
		// A call this driver never saw (ctidesk restarted mid-call): show it, once.
		const leg = channels.find(
			(item) => isChannelOf(item.get('Channel'), iface) && isOuterLeg(item.get('Channel') ?? ''),
		);
		const channel = leg?.get('Channel');
		const linkedId = leg?.get('Linkedid');
		if (!leg || !channel || !linkedId || finishedAgentChannels.has(channel)) return;
		const outbound = leg.get('Context') === config.outboundContext;
		const number = outbound ? (leg.get('Exten') ?? '') : knownNumber(leg.get('CallerIDNum'));
		const recovered = newCall(
			{
				pbxCallId: linkedId,
				origin: outbound ? 2 : 1,
				number,
				callerId: outbound ? outboundCallerId() : number,
				calledId: outbound ? number : agent.extension,
				groupId: outbound ? firstQueue() : '',
			},
			linkedId,
		);
		recovered.agentChannel = channel;
		const party = partyOf(leg);
		if (party) setCustomer(recovered, party);
		call = recovered;
		reportCall(recovered);
		if (party) answer(recovered);
	}

	function attach(target: AmiConnection): void {
		unsubscribe = [target.on('event', onAmiEvent), target.on('status', onStatus)];
	}

	function makeConnection(): AmiConnection {
		return createAmiConnection({
			host: config.host,
			port: config.port,
			username: config.username,
			secret: config.secret,
			events: config.events,
			pingIntervalMs: config.pingSeconds * 1000,
			clock,
		});
	}

	// ------------------------------------------------------------------------------------------
	// Commands

	const isSuccess = (response: AmiMessage): boolean =>
		(response.response ?? '').toLowerCase() === 'success';

	function unavailable(): Outcome {
		return {
			ok: false,
			code: 'pbx-unavailable',
			message: lastProblem
				? `Not connected to Asterisk: ${lastProblem}`
				: 'Not connected to Asterisk.',
		};
	}

	/** Sends one action; a refusal or a dropped link becomes a readable Result, never a throw. */
	async function request(action: AmiAction, accept?: RegExp): Promise<Outcome> {
		if (!connection || !linkUp) return unavailable();
		try {
			const response = await connection.send(action);
			if (isSuccess(response) || (accept && accept.test(response.get('Message') ?? ''))) {
				return {ok: true, response};
			}
			return {
				ok: false,
				code: 'pbx-refused',
				message: describeRefusal(action.Action, response.get('Message'), config.username),
			};
		} catch (error) {
			if (error instanceof AmiSerializeError)
				return {ok: false, code: 'bad-input', message: error.message};
			if (error instanceof AmiConnectionError) {
				return {
					ok: false,
					code: 'pbx-unavailable',
					message: `Not connected to Asterisk: ${error.message}`,
				};
			}
			return {
				ok: false,
				code: 'pbx-refused',
				message: error instanceof Error ? error.message : String(error),
			};
		}
	}

	const memberName = (identity: AgentIdentity) => `agent ${identity.user}`;
	const outboundCallerId = () => numberOfCallerId(config.callerId) || (agent?.extension ?? '');
	const firstQueue = () => config.queues[0] ?? '';

	/** Sets what an accepted queue action did, unless Asterisk already told us (its events win). */
	function settle(queue: string, mark: number, membership: Membership | null): void {
		if ((memberSeq.get(queue) ?? -1) > mark) return;
		if (membership) members.set(queue, membership);
		else members.delete(queue);
	}

	async function pauseAll(paused: boolean, reason: string | null): Promise<Result> {
		if (!agent) return refuse('not-allowed', 'The agent is not logged in to Asterisk.');
		if (!linkUp) return unavailable();
		for (const queue of queues) {
			const mark = eventSeq;
			const outcome = await request({
				Action: 'QueuePause',
				Queue: queue,
				Interface: iface,
				Paused: paused,
				Reason: paused && reason ? reason : undefined,
			});
			if (!outcome.ok) {
				updatePresence();
				return outcome;
			}
			settle(queue, mark, {paused, reason: paused ? reason : null});
		}
		updatePresence();
		return ok;
	}

	function currentCall(): TrackedCall | Result {
		if (!linkUp) return unavailable();
		if (!call || !call.reported) return refuse('not-allowed', 'There is no call.');
		return call;
	}

	const isResult = (value: TrackedCall | Result): value is Result => 'ok' in value;

	function needAgentChannel(tracked: TrackedCall): string | Result {
		return tracked.agentChannel ?? refuse('not-allowed', 'The call is still being set up.');
	}

	function needAnswered(tracked: TrackedCall, what: string): Result | null {
		if (!tracked.answered)
			return refuse('not-allowed', `Cannot ${what} a call that is not connected yet.`);
		if (!tracked.agentChannel || !tracked.customerChannel) {
			return refuse(
				'not-allowed',
				`Cannot ${what}: Asterisk has not shown both ends of this call.`,
			);
		}
		return null;
	}

	async function sendDigits(channel: string, digits: string, receive: boolean): Promise<Result> {
		for (const digit of digits) {
			const outcome = await request({
				Action: 'PlayDTMF',
				Channel: channel,
				Digit: digit,
				Receive: receive ? true : undefined,
			});
			if (!outcome.ok) return outcome;
		}
		return ok;
	}

	return {
		name: 'asterisk',
		capabilities,

		async connect() {
			if (connection && unsubscribe.length > 0) return;
			connection ??= makeConnection();
			attach(connection);
			await connection.start();
		},

		async disconnect() {
			const current = connection;
			if (!current) return;
			for (const stop of unsubscribe) stop();
			unsubscribe = [];
			linkUp = false;
			linkGeneration += 1;
			await current.close();
			// An injected connection cannot be started again; one made here is made anew.
			connection = options.connection ? current : null;
			// The call goes on in Asterisk, but this session will not see its end: record it now.
			if (call?.reported) endCall(call, 'connection-lost');
			call = null;
			reportConnection(false, 'Disconnected from Asterisk.');
		},

		onEvent: (listener) => events.subscribe(listener),

		async login(identity) {
			if (!linkUp) return unavailable();
			if (agent) return refuse('not-allowed', 'The agent is already logged in to Asterisk.');
			agent = identity;
			reportedPresence = 'logged-out:';
			members.clear();
			const added: string[] = [];
			for (const queue of queues) {
				const mark = eventSeq;
				const outcome = await request(
					{
						Action: 'QueueAdd',
						Queue: queue,
						Interface: iface,
						MemberName: memberName(identity),
						StateInterface: options.stateInterface ?? iface,
						Paused: true,
					},
					/already there/i,
				);
				if (!outcome.ok) {
					// Leave no half-login behind: out of the queues joined so far.
					for (const joined of added) {
						await request({Action: 'QueueRemove', Queue: joined, Interface: iface}, /not there/i);
					}
					agent = null;
					members.clear();
					reportedPresence = 'logged-out:';
					return outcome;
				}
				added.push(queue);
				const already = /already there/i.test(outcome.response.get('Message') ?? '');
				if (!already) settle(queue, mark, {paused: true, reason: null});
				else if (!members.has(queue)) members.set(queue, {paused: true, reason: null});
			}
			// Paused state of an existing membership, and the callers already waiting.
			await resync(false).catch(() => undefined);
			updatePresence();
			emitQueue();
			return ok;
		},

		async logout() {
			if (!linkUp) return unavailable();
			if (!agent) return refuse('not-allowed', 'The agent is not logged in to Asterisk.');
			if (call) return refuse('not-allowed', 'Hang up the current call before logging out.');
			for (const queue of queues) {
				const mark = eventSeq;
				const outcome = await request(
					{Action: 'QueueRemove', Queue: queue, Interface: iface},
					/not there/i,
				);
				if (!outcome.ok) {
					updatePresence();
					return outcome;
				}
				settle(queue, mark, null);
			}
			members.clear();
			updatePresence();
			agent = null;
			emitQueue();
			return ok;
		},

		setReady: () => pauseAll(false, null),
		setNotReady: (reason) => pauseAll(true, reason),

		async dial(number) {
			if (!linkUp) return unavailable();
			if (!agent) return refuse('not-allowed', 'Log in before dialling.');
			if (call) return refuse('not-allowed', 'Cannot dial while a call is up.');
			if (!dialable.test(number)) {
				return refuse(
					'bad-input',
					'A number is digits with an optional leading +, * and # (at most 32).',
				);
			}
			const channelId = newChannelId();
			const tracked = newCall(
				{
					pbxCallId: channelId,
					origin: 2,
					number,
					callerId: outboundCallerId(),
					calledId: number,
					groupId: firstQueue(),
				},
				channelId,
			);
			tracked.awaitingOriginate = true;
			tracked.channelId = channelId;
			// Tracked before sending: events of the new call can arrive before the reply is read.
			call = tracked;
			const outcome = await request({
				Action: 'Originate',
				Channel: iface,
				Context: config.outboundContext,
				Exten: number,
				Priority: 1,
				CallerID: config.callerId || undefined,
				Timeout: options.originateTimeoutMs ?? 30_000,
				Async: true,
				ChannelId: channelId,
				OtherChannelId: `${channelId}-2`,
			});
			if (!outcome.ok) {
				// Refused before anything rang (09: "Extension does not exist."): no call to record.
				tracked.ended = true;
				if (call === tracked) call = null;
				return outcome;
			}
			tracked.originateActionId = outcome.response.actionId ?? null;
			reportCall(tracked);
			const early = tracked.originateActionId
				? originateResponses.get(tracked.originateActionId)
				: undefined;
			if (early) applyOriginateResponse(tracked, early);
			if (tracked.ended) endCall(tracked, tracked.endCause ?? 'failed');
			return ok;
		},

		answer: async () =>
			refuse(
				'not-supported',
				'Asterisk cannot answer the phone for you: lift the handset or press answer on the phone.',
			),

		async hangup() {
			const tracked = currentCall();
			if (isResult(tracked)) return tracked;
			// Before the agent's channel is known, Asterisk also finds a channel by our Uniqueid.
			const channel = tracked.agentChannel ?? tracked.channelId;
			if (!channel) return refuse('not-allowed', 'The call is still being set up.');
			tracked.hangupRequested = true;
			const outcome = await request({Action: 'Hangup', Channel: channel, Cause: 16});
			if (outcome.ok || tracked.ended) return ok;
			tracked.hangupRequested = false;
			return outcome;
		},

		async hold() {
			const tracked = currentCall();
			if (isResult(tracked)) return tracked;
			const problem = needAnswered(tracked, 'hold');
			if (problem) return problem;
			if (tracked.held) return refuse('not-allowed', 'The call is already on hold.');
			const outcome = await request({
				Action: 'Redirect',
				Channel: tracked.customerChannel!,
				Context: dialplan.holdContext,
				Exten: dialplan.holdExten,
				Priority: 1,
				ExtraChannel: tracked.agentChannel!,
				ExtraContext: dialplan.agentWaitContext,
				ExtraExten: dialplan.agentWaitExten,
				ExtraPriority: 1,
			});
			if (!outcome.ok) return outcome;
			setHeld(tracked, true);
			return ok;
		},

		async unhold() {
			const tracked = currentCall();
			if (isResult(tracked)) return tracked;
			const problem = needAnswered(tracked, 'resume');
			if (problem) return problem;
			const outcome = await request({
				Action: 'Bridge',
				Channel1: tracked.agentChannel!,
				Channel2: tracked.customerChannel!,
				Tone: 'no',
			});
			if (!outcome.ok) return outcome;
			setHeld(tracked, false);
			return ok;
		},

		async transfer(target, mode) {
			const tracked = currentCall();
			if (isResult(tracked)) return tracked;
			if (!dialable.test(target))
				return refuse('bad-input', 'A transfer target is digits, * and # (at most 32).');
			const problem = needAnswered(tracked, 'transfer');
			if (problem) return problem;
			if (tracked.consult)
				return refuse('not-allowed', 'A consult transfer is already in progress.');
			if (mode === 'blind') {
				// Marked before sending: the agent's leg may hang up before the reply is read.
				tracked.transfer = {target, mode, reported: false};
				const outcome =
					dialplan.blindTransferAction === 'Redirect'
						? await request({
								Action: 'Redirect',
								Channel: tracked.customerChannel!,
								Context: config.transferContext,
								Exten: target,
								Priority: 1,
							})
						: await request({
								Action: 'BlindTransfer',
								Channel: tracked.agentChannel!,
								Context: config.transferContext,
								Exten: target,
							});
				if (!outcome.ok) {
					if (!tracked.ended) tracked.transfer = null;
					return outcome;
				}
				reportTransfer(tracked, target, 'blind');
				return ok;
			}
			const consult: Consult = {
				target,
				prefix: `Local/${target}@${config.transferContext}-`,
				channel: null,
				answered: false,
				announced: false,
			};
			tracked.consult = consult;
			const outcome = await request({
				Action: 'Atxfer',
				Channel: tracked.agentChannel!,
				Context: config.transferContext,
				Exten: target,
			});
			if (!outcome.ok) {
				if (tracked.consult === consult) tracked.consult = null;
				return outcome;
			}
			// Asterisk holds the customer (MOH) while the agent consults (10).
			setHeld(tracked, true);
			consult.announced = true;
			emit({type: 'consult-started', at: now(), pbxCallId: tracked.info.pbxCallId, target});
			if (consult.answered)
				emit({type: 'consult-answered', at: now(), pbxCallId: tracked.info.pbxCallId});
			return ok;
		},

		async completeTransfer() {
			const tracked = currentCall();
			if (isResult(tracked)) return tracked;
			if (!tracked.consult)
				return refuse('not-allowed', 'There is no consult transfer to complete.');
			const channel = needAgentChannel(tracked);
			if (typeof channel !== 'string') return channel;
			// The transferer hanging up completes an attended transfer (10).
			tracked.transfer = {target: tracked.consult.target, mode: 'consult', reported: false};
			const outcome = await request({Action: 'Hangup', Channel: channel, Cause: 16});
			if (!outcome.ok && !tracked.ended) {
				tracked.transfer = null;
				return outcome;
			}
			return ok;
		},

		async cancelTransfer() {
			const tracked = currentCall();
			if (isResult(tracked)) return tracked;
			const consult = tracked.consult;
			if (!consult) return refuse('not-allowed', 'There is no consult transfer to cancel.');
			// Hanging up the consult leg gives the agent back to the customer; before that leg
			// exists, the atxferabort feature code does the same.
			if (consult.channel) {
				const outcome = await request(
					{Action: 'Hangup', Channel: consult.channel},
					/no such channel/i,
				);
				if (!outcome.ok) return outcome;
			} else {
				const channel = needAgentChannel(tracked);
				if (typeof channel !== 'string') return channel;
				const result = await sendDigits(channel, dialplan.abortDigits, true);
				if (!result.ok) return result;
			}
			endConsult(tracked);
			return ok;
		},

		async conference() {
			const tracked = currentCall();
			if (isResult(tracked)) return tracked;
			if (!tracked.consult?.answered)
				return refuse('not-allowed', 'Consult someone first, then merge them in.');
			const channel = needAgentChannel(tracked);
			if (typeof channel !== 'string') return channel;
			// The atxferthreeway feature code, as if the agent keyed it (the way Atxfer itself works: 10).
			return sendDigits(channel, dialplan.threeWayDigits, true);
		},

		async sendDtmf(digits) {
			const tracked = currentCall();
			if (isResult(tracked)) return tracked;
			if (!/^[0-9*#A-D]{1,32}$/.test(digits))
				return refuse('bad-input', 'DTMF digits are 0-9, *, # and A-D (at most 32).');
			const problem = needAnswered(tracked, 'send digits on');
			if (problem) return problem;
			// Played out on the customer's channel: the far end (an IVR) hears them. On the agent's
			// channel PlayDTMF would play them to the agent's own phone.
			const result = await sendDigits(tracked.customerChannel!, digits, false);
			if (!result.ok) return result;
			emit({type: 'dtmf-sent', at: now(), pbxCallId: tracked.info.pbxCallId, digits});
			return ok;
		},

		mute: () => setMuted(true),
		unmute: () => setMuted(false),
	};

	async function setMuted(muted: boolean): Promise<Result> {
		const tracked = currentCall();
		if (isResult(tracked)) return tracked;
		const channel = needAgentChannel(tracked);
		if (typeof channel !== 'string') return channel;
		// Direction `in` is the audio from the agent's phone into Asterisk: the microphone.
		const outcome = await request({
			Action: 'MuteAudio',
			Channel: channel,
			Direction: 'in',
			State: muted ? 'on' : 'off',
		});
		if (!outcome.ok) return outcome;
		if (tracked.muted !== muted && !tracked.ended) {
			tracked.muted = muted;
			emit({
				type: muted ? 'call-muted' : 'call-unmuted',
				at: now(),
				pbxCallId: tracked.info.pbxCallId,
			});
		}
		return ok;
	}
}
