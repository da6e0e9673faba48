// The agent's call as the driver follows it, and every memory about calls that belongs to one
// AMI link: finished agent legs, bridges, early OriginateResponses. `forgetLink()` drops all of
// that when the link drops (DESIGN rule 18): a restarted Asterisk reuses channel names and
// counters (17/17b), so nothing learnt on one link may hide a call on the next.
//
// It also owns the call events the session gets: each is emitted once, in order, here.
import type {EndCause, TransferMode} from '../../core/types.js';
import type {AmiMessage} from './ami/parser.js';
import type {DriverContext} from './driver-context.js';
import {causeOfHangupCode, channelBase} from './event-map.js';
import type {TrackedCall} from './tracked-call.js';

/** Bounded memory of finished things on one link. */
const memoryLimit = 500;

export interface BridgeMember {
	uniqueid: string;
	channel: string;
}

export interface CallTracker {
	/** The agent's call, or null. One call at a time. */
	current(): TrackedCall | null;
	/** Makes `call` the agent's call and reports it (call-offered / call-dialing). */
	track(call: TrackedCall, report?: boolean): void;
	/** Forgets a call that never started (an Originate Asterisk refused). */
	drop(call: TrackedCall): void;
	/** The event names this call's agent leg (by Uniqueid once known, else by channel). */
	isAgentLeg(call: TrackedCall, channel: string | undefined, uniqueid: string | undefined): boolean;
	setAgentLeg(call: TrackedCall, channel: string, uniqueid: string | undefined): void;
	setCustomer(call: TrackedCall, channel: string): void;
	/** An agent leg that already ended on this link: its late events start nothing. */
	isFinishedLeg(uniqueid: string | undefined): boolean;
	/** The call this Linkedid belongs to, if it is the agent's. */
	byLinkedId(linkedId: string | undefined): TrackedCall | null;

	reportCall(call: TrackedCall): void;
	answer(call: TrackedCall): void;
	setHeld(call: TrackedCall, held: boolean): void;
	reportTransfer(call: TrackedCall, target: string, mode: TransferMode): void;
	conferenced(call: TrackedCall, party: string): void;
	/** Ends the call once; reported calls get call-ended. */
	endCall(call: TrackedCall, cause: EndCause): void;
	/** Why the call ended when the agent's leg hung up. */
	causeAtAgentHangup(call: TrackedCall, code: string | undefined): EndCause;

	enterBridge(id: string, member: BridgeMember): Map<string, string>;
	leaveBridge(id: string, uniqueid: string): void;
	destroyBridge(id: string): void;
	/** Replaces every bridge from a CoreShowChannels listing. */
	setBridges(bridges: Map<string, Map<string, string>>): void;

	/** An OriginateResponse read before the Originate reply: kept for dial() to look up. */
	keepOriginateResponse(message: AmiMessage): void;
	takeOriginateResponse(actionId: string | null): AmiMessage | undefined;

	/** The link dropped: forget every per-link memory (not the call: it may still be up). */
	forgetLink(): void;
}

export function createCallTracker(context: DriverContext): CallTracker {
	const {emit, now} = context;
	let call: TrackedCall | null = null;
	const finishedLegs = new Set<string>();
	/** Bridge id → members, Uniqueid → channel name. */
	let bridges = new Map<string, Map<string, string>>();
	const originateResponses = new Map<string, AmiMessage>();

	function remember<K, V>(map: Map<K, V> | Set<K>, key: K, value?: V): void {
		if (map instanceof Map) map.set(key, value as V);
		else map.add(key);
		if (map.size > memoryLimit) map.delete(map.keys().next().value as K);
	}

	const tracker: CallTracker = {
		current: () => call,
		track(next, report = true) {
			call = next;
			if (report) tracker.reportCall(next);
		},
		drop(dropped) {
			dropped.ended = true;
			if (call === dropped) call = null;
		},
		isAgentLeg(tracked, channel, uniqueid) {
			if (tracked.agentUniqueid !== null && uniqueid !== undefined)
				return uniqueid === tracked.agentUniqueid;
			return channel !== undefined && channel === tracked.agentChannel;
		},
		setAgentLeg(tracked, channel, uniqueid) {
			tracked.agentChannel ??= channel;
			if (uniqueid && uniqueid !== '<unknown>') tracked.agentUniqueid ??= uniqueid;
		},
		setCustomer(tracked, channel) {
			tracked.customerChannel = channel;
			tracked.customerBases.add(channelBase(channel));
		},
		isFinishedLeg: (uniqueid) => uniqueid !== undefined && finishedLegs.has(uniqueid),
		byLinkedId: (linkedId) =>
			call && linkedId !== undefined && call.linkedIds.has(linkedId) ? call : null,

		reportCall(tracked) {
			if (tracked.reported) return;
			tracked.reported = true;
			emit({
				type: tracked.info.origin === 1 ? 'call-offered' : 'call-dialing',
				at: now(),
				...tracked.info,
			});
		},
		answer(tracked) {
			if (tracked.answered || tracked.ended) return;
			tracker.reportCall(tracked);
			tracked.answered = true;
			emit({type: 'call-answered', at: now(), pbxCallId: tracked.info.pbxCallId});
		},
		setHeld(tracked, held) {
			if (tracked.held === held || tracked.ended || !tracked.answered) return;
			tracked.held = held;
			emit({
				type: held ? 'call-held' : 'call-resumed',
				at: now(),
				pbxCallId: tracked.info.pbxCallId,
			});
		},
		reportTransfer(tracked, target, mode) {
			if (tracked.transfer?.reported) return;
			tracked.transfer = {target, mode, reported: true};
			emit({type: 'call-transferred', at: now(), pbxCallId: tracked.info.pbxCallId, target, mode});
		},
		conferenced(tracked, party) {
			if (!tracked.consult || tracked.ended) return;
			tracked.consult = null;
			tracked.held = false;
			emit({type: 'call-conferenced', at: now(), pbxCallId: tracked.info.pbxCallId, party});
		},
		endCall(tracked, cause) {
			if (!tracked.ended) {
				tracked.ended = true;
				tracked.endCause = cause;
				if (tracked.agentUniqueid) remember(finishedLegs, tracked.agentUniqueid);
				if (call === tracked) call = null;
			}
			if (!tracked.reported || tracked.endReported) return;
			tracked.endReported = true;
			const endCause = tracked.endCause ?? cause;
			if (endCause === 'transferred' && tracked.transfer && !tracked.transfer.reported) {
				tracker.reportTransfer(tracked, tracked.transfer.target, tracked.transfer.mode);
			}
			emit({type: 'call-ended', at: now(), pbxCallId: tracked.info.pbxCallId, cause: endCause});
		},
		causeAtAgentHangup(tracked, code) {
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
		},

		enterBridge(id, member) {
			let bridge = bridges.get(id);
			if (!bridge) {
				bridge = new Map();
				bridges.set(id, bridge);
			}
			bridge.set(member.uniqueid, member.channel);
			return bridge;
		},
		leaveBridge(id, uniqueid) {
			bridges.get(id)?.delete(uniqueid);
		},
		destroyBridge(id) {
			bridges.delete(id);
		},
		setBridges(next) {
			bridges = next;
		},

		keepOriginateResponse(message) {
			if (message.actionId) remember(originateResponses, message.actionId, message);
		},
		takeOriginateResponse(actionId) {
			if (actionId === null) return undefined;
			const message = originateResponses.get(actionId);
			originateResponses.delete(actionId);
			return message;
		},

		forgetLink() {
			finishedLegs.clear();
			bridges = new Map();
			originateResponses.clear();
		},
	};
	return tracker;
}
