// AMI call events → the agent's call. Each handler reads one event kind; event-table.ts maps the
// event names to them. Rules and the captures they come from:
// - A call is the agent's when its queue names our interface (AgentCalled/Connect/RingNoAnswer)
//   or when one of our interface's channels dials or is dialled. It is keyed by its Linkedid
//   (04), the agent's leg by its Uniqueid: channel names repeat after a restart (17/17b).
// - A call ends on the Hangup of the agent's leg, never on AgentComplete alone (its Reason says
//   `caller` when the agent hung up, and it never comes after a Redirect hold: 13, 16). Who hung
//   up first is the first HangupRequest/Hangup on either side (04: customer, 13: agent).
// - A queue that rings the agent again for the same caller (12, or after the agent rejected the
//   ring) is the same PBX call: a new offer with the same Linkedid, so the same callid.
import type {AmiMessage} from './ami/parser.js';
import type {CallTracker} from './call-tracker.js';
import type {Consult} from './consult.js';
import type {DriverContext} from './driver-context.js';
import {
	calledIdOf,
	causeOfDialStatus,
	causeOfOriginateReason,
	channelBase,
	isChannelOf,
	isOuterLeg,
	knownNumber,
} from './event-map.js';
import type {Presence} from './presence.js';
import {newTrackedCall, type TrackedCall} from './tracked-call.js';

export interface CallEvents {
	onAgentCalled(message: AmiMessage): void;
	onAgentConnect(message: AmiMessage): void;
	onAgentRingNoAnswer(message: AmiMessage): void;
	onChannelSeen(message: AmiMessage): void;
	onDialBegin(message: AmiMessage): void;
	onDialEnd(message: AmiMessage): void;
	onBridgeEnter(message: AmiMessage): void;
	onBridgeLeave(message: AmiMessage): void;
	onBridgeDestroy(message: AmiMessage): void;
	onHoldChange(message: AmiMessage): void;
	onBlindTransfer(message: AmiMessage): void;
	onAttendedTransfer(message: AmiMessage): void;
	onHangupRequest(message: AmiMessage): void;
	onHangup(message: AmiMessage): void;
	onOriginateResponse(message: AmiMessage): void;
	/** Applies an OriginateResponse to the click-to-dial it answers. */
	applyOriginateResponse(call: TrackedCall, message: AmiMessage): void;
}

export function createCallEvents(
	context: DriverContext,
	tracker: CallTracker,
	consult: Consult,
	presence: Presence,
): CallEvents {
	const {iface, now} = context;

	/** The Originate'd agent leg shows up (06 carries no ChannelId): adopt its Linkedid. */
	function adoptOriginated(
		channel: string | undefined,
		uniqueid: string | undefined,
		linkedId: string | undefined,
	): void {
		const call = tracker.current();
		if (!call || !channel || !linkedId || !isChannelOf(channel, iface) || !isOuterLeg(channel))
			return;
		if (tracker.isFinishedLeg(uniqueid)) return;
		if (call.linkedIds.has(linkedId)) {
			tracker.setAgentLeg(call, channel, uniqueid);
			call.awaitingOriginate = false;
		} else if (call.awaitingOriginate) {
			call.linkedIds.add(linkedId);
			tracker.setAgentLeg(call, channel, uniqueid);
			call.awaitingOriginate = false;
		} else {
			return;
		}
		tracker.reportCall(call);
	}

	function offer(
		message: AmiMessage,
		info: {queue: string | null; calledId: string},
		agentLeg: {channel: string; uniqueid: string | undefined},
		caller: string | undefined,
	): void {
		const linkedId = message.get('Linkedid') ?? message.get('DestLinkedid');
		if (!linkedId) return;
		const number = knownNumber(message.get('CallerIDNum'));
		const call = newTrackedCall(
			{
				pbxCallId: linkedId,
				origin: 1,
				number,
				callerId: number,
				calledId: info.calledId,
				groupId: info.queue === null ? '' : context.groups.groupIdOf(info.queue),
			},
			linkedId,
			now(),
		);
		tracker.setAgentLeg(call, agentLeg.channel, agentLeg.uniqueid);
		if (caller) tracker.setCustomer(call, caller);
		tracker.track(call);
	}

	const handlers: CallEvents = {
		onAgentCalled(message) {
			const dest = message.get('DestChannel');
			const destUniqueid = message.get('DestUniqueid');
			if (!presence.agent() || !context.ours(message.get('Interface')) || !dest) return;
			if (tracker.isFinishedLeg(destUniqueid)) return;
			// One call at a time: a second ring while a call is up is not ours to show.
			if (tracker.current()) return;
			const queue = message.get('Queue') ?? '';
			offer(
				message,
				{queue, calledId: calledIdOf(message.get('Exten'), queue)},
				{channel: dest, uniqueid: destUniqueid},
				message.get('Channel'),
			);
		},

		onAgentConnect(message) {
			if (!context.ours(message.get('Interface'))) return;
			const call = tracker.byLinkedId(message.get('Linkedid') ?? message.get('DestLinkedid'));
			if (call && tracker.isAgentLeg(call, message.get('DestChannel'), message.get('DestUniqueid')))
				tracker.answer(call);
		},

		onAgentRingNoAnswer(message) {
			// 12: the queue gives up ringing this agent (it may ring again: a new AgentCalled).
			const call = tracker.current();
			if (!context.ours(message.get('Interface')) || !call) return;
			if (!tracker.isAgentLeg(call, message.get('DestChannel'), message.get('DestUniqueid')))
				return;
			tracker.endCall(call, 'no-answer');
		},

		onChannelSeen(message) {
			adoptOriginated(message.get('Channel'), message.get('Uniqueid'), message.get('Linkedid'));
		},

		onDialBegin(message) {
			const source = message.get('Channel');
			const dest = message.get('DestChannel');
			const call = tracker.current();
			if (!dest) return;
			if (!source) {
				// Originate's own dial has only Dest* fields (06, 15).
				adoptOriginated(dest, message.get('DestUniqueid'), message.get('DestLinkedid'));
				if (call && consult.isConsultChannel(call, dest)) consult.noteLeg(call, dest);
				return;
			}
			if (call && tracker.isAgentLeg(call, source, message.get('Uniqueid'))) {
				// The agent's leg dials the far end of a click-to-dial.
				if (!call.customerChannel) tracker.setCustomer(call, dest);
				return;
			}
			if (call && consult.isConsultChannel(call, source)) {
				consult.noteLeg(call, source);
				return;
			}
			// Someone dials this agent's phone outside a queue (a direct or transferred call).
			const agent = presence.agent();
			if (!agent || call || !isChannelOf(dest, iface) || isChannelOf(source, iface)) return;
			if (tracker.isFinishedLeg(message.get('DestUniqueid'))) return;
			offer(
				message,
				{queue: null, calledId: agent.extension},
				{channel: dest, uniqueid: message.get('DestUniqueid')},
				source,
			);
		},

		onDialEnd(message) {
			const call = tracker.current();
			if (!call) return;
			const source = message.get('Channel');
			const dest = message.get('DestChannel');
			const status = message.get('DialStatus');
			if (consult.isConsultChannel(call, source) || consult.isConsultChannel(call, dest)) {
				consult.onDialEnd(call, status);
				return;
			}
			if (
				source &&
				tracker.isAgentLeg(call, source, message.get('Uniqueid')) &&
				call.info.origin === 2
			) {
				const cause = causeOfDialStatus(status);
				if (cause === null) tracker.answer(call);
				else call.failure ??= cause;
				return;
			}
			if (
				dest &&
				!source &&
				call.info.origin === 2 &&
				tracker.isAgentLeg(call, dest, message.get('DestUniqueid'))
			) {
				// The agent's own phone did not pick up the click-to-dial.
				const cause = causeOfDialStatus(status);
				if (cause) call.failure ??= cause === 'agent-hangup' ? 'failed' : cause;
			}
		},

		onBridgeEnter(message) {
			const id = message.get('BridgeUniqueid');
			const channel = message.get('Channel');
			const uniqueid = message.get('Uniqueid') ?? channel;
			if (!id || !channel || !uniqueid) return;
			const bridge = tracker.enterBridge(id, {uniqueid, channel});
			const call = tracker.current();
			if (!call?.agentChannel) return;
			const members = [...bridge.entries()];
			const agentIn = members.some(([memberId, name]) => tracker.isAgentLeg(call, name, memberId));
			if (!agentIn) return;
			const withCustomer = members.some(([, name]) => call.customerBases.has(channelBase(name)));
			if (!withCustomer) return;
			if (call.consult?.channel && members.some(([, name]) => name === call.consult!.channel)) {
				consult.onMerged(call);
				return;
			}
			if (!call.answered) tracker.answer(call);
			else if (call.held && !call.consult) tracker.setHeld(call, false);
			else if (call.consult) consult.end(call);
		},

		onBridgeLeave(message) {
			tracker.leaveBridge(
				message.get('BridgeUniqueid') ?? '',
				message.get('Uniqueid') ?? message.get('Channel') ?? '',
			);
		},

		onBridgeDestroy(message) {
			tracker.destroyBridge(message.get('BridgeUniqueid') ?? '');
		},

		onHoldChange(message) {
			// The phone's own hold key, or Atxfer holding the transferer (10) and giving it back (19).
			const call = tracker.current();
			if (!call || !tracker.isAgentLeg(call, message.get('Channel'), message.get('Uniqueid')))
				return;
			if (call.consult) {
				if (message.event === 'Unhold') consult.onAgentUnhold(call);
				return;
			}
			tracker.setHeld(call, message.event === 'Hold');
		},

		onBlindTransfer(message) {
			const call = tracker.current();
			if (
				!call ||
				!tracker.isAgentLeg(
					call,
					message.get('TransfererChannel'),
					message.get('TransfererUniqueid'),
				)
			)
				return;
			tracker.reportTransfer(
				call,
				message.get('Extension') ?? call.transfer?.target ?? '',
				'blind',
			);
		},

		onAttendedTransfer(message) {
			const call = tracker.current();
			if (
				!call ||
				!tracker.isAgentLeg(
					call,
					message.get('OrigTransfererChannel'),
					message.get('OrigTransfererUniqueid'),
				)
			)
				return;
			const target = call.consult?.target ?? call.transfer?.target ?? '';
			if ((message.get('DestType') ?? '').toLowerCase() === 'threeway') {
				tracker.conferenced(call, target);
			} else if ((message.get('Result') ?? 'Success').toLowerCase() === 'success') {
				tracker.reportTransfer(call, target, 'consult');
			}
		},

		onHangupRequest(message) {
			noteHangup(message, false);
		},

		onHangup(message) {
			noteHangup(message, true);
		},

		onOriginateResponse(message) {
			const call = tracker.current();
			const matches =
				call?.info.origin === 2 &&
				((call.originateActionId !== null && message.actionId === call.originateActionId) ||
					(call.channelId !== null && message.get('Uniqueid') === call.channelId));
			if (!matches) {
				// The reply to our Originate may not have been read yet: keep it for dial() to look up.
				tracker.keepOriginateResponse(message);
				return;
			}
			handlers.applyOriginateResponse(call, message);
		},

		applyOriginateResponse(call, message) {
			if ((message.response ?? '').toLowerCase() === 'success') {
				const uniqueId = message.get('Uniqueid');
				// The `;1` half's Uniqueid is the call's Linkedid (06).
				if (uniqueId && uniqueId !== '<unknown>') call.linkedIds.add(uniqueId);
				adoptOriginated(message.get('Channel'), uniqueId, uniqueId);
				return;
			}
			call.failure ??= causeOfOriginateReason(message.get('Reason'));
			tracker.endCall(call, call.failure);
		},
	};

	function noteHangup(message: AmiMessage, final: boolean): void {
		const call = tracker.current();
		const channel = message.get('Channel');
		const uniqueid = message.get('Uniqueid');
		if (!call || !channel) return;
		const agentLeg = tracker.isAgentLeg(call, channel, uniqueid);
		if (!call.linkedIds.has(message.get('Linkedid') ?? '') && !agentLeg) return;
		if (consult.isConsultChannel(call, channel)) {
			if (final) consult.onLegHangup(call);
			return;
		}
		const base = channelBase(channel);
		const side =
			call.agentChannel && base === channelBase(call.agentChannel)
				? 'agent'
				: call.customerBases.has(base)
					? 'customer'
					: null;
		call.firstHangup ??= side;
		if (!final) return;
		if (agentLeg) {
			tracker.endCall(call, tracker.causeAtAgentHangup(call, message.get('Cause')));
			return;
		}
		if (side === 'customer' && channel === call.customerChannel && call.held && !call.consult) {
			// Held by Redirect (16), the agent's channel sits in agentWaitContext: free the phone.
			const agentChannel = call.agentChannel;
			tracker.endCall(call, 'customer-hangup');
			if (agentChannel) context.link.fire({Action: 'Hangup', Channel: agentChannel});
		}
	}

	return handlers;
}
