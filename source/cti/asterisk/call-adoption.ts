// After every (re)connect and after login, Asterisk's own channel list says which calls are up
// (CoreShowChannels: Linkedid and BridgeId per channel, 20b). The call the desk shows is checked
// against it (ended while the link was down → connection-lost), and a call of the agent that
// the desk does not know (the link dropped before it rang, ctidesk restarted mid-call) is
// adopted: reported once, answered when bridged, so its hangup pop and wrap-up still happen.
import type {ReconcileChange} from '../../core/types.js';
import type {AmiMessage} from './ami/parser.js';
import type {CallTracker} from './call-tracker.js';
import type {DriverContext} from './driver-context.js';
import {isChannelOf, isOuterLeg, knownNumber, numberOfCallerId} from './event-map.js';
import type {Presence} from './presence.js';
import {newTrackedCall} from './tracked-call.js';

const bridgeOf = (item: AmiMessage) => item.get('BridgeId') ?? item.get('BridgeID');

/** Verifies or adopts the agent's call from CoreShowChannels; returns what was adopted. */
export async function adoptCalls(
	context: DriverContext,
	tracker: CallTracker,
	presence: Presence,
): Promise<ReconcileChange[]> {
	const {iface, config} = context;
	const list = await context.link.requestList({Action: 'CoreShowChannels'});
	if (!list) return [];
	const channels = list.events.filter((item) => item.event === 'CoreShowChannel');
	const bridges = new Map<string, Map<string, string>>();
	for (const item of channels) {
		const bridge = bridgeOf(item);
		const name = item.get('Channel');
		if (!bridge || !name) continue;
		if (!bridges.has(bridge)) bridges.set(bridge, new Map());
		bridges.get(bridge)!.set(item.get('Uniqueid') ?? name, name);
	}
	tracker.setBridges(bridges);
	const partyOf = (item: AmiMessage): string | null => {
		const bridge = bridgeOf(item);
		if (!bridge) return null;
		for (const other of bridges.get(bridge)?.values() ?? [])
			if (!isChannelOf(other, iface)) return other;
		return null;
	};

	const known = tracker.current();
	if (known?.reported) {
		const leg = channels.find((item) =>
			known.agentUniqueid
				? item.get('Uniqueid') === known.agentUniqueid
				: known.linkedIds.has(item.get('Linkedid') ?? ''),
		);
		if (!leg) {
			// Ended while the link was down, or Asterisk restarted: its end was not seen.
			tracker.endCall(known, 'connection-lost');
			return [];
		}
		if (partyOf(leg) && !known.answered) tracker.answer(known);
		return [];
	}
	const agent = presence.agent();
	if (known || !agent) return [];
	const leg = channels.find(
		(item) => isChannelOf(item.get('Channel'), iface) && isOuterLeg(item.get('Channel') ?? ''),
	);
	const channel = leg?.get('Channel');
	const linkedId = leg?.get('Linkedid');
	if (!leg || !channel || !linkedId || tracker.isFinishedLeg(leg.get('Uniqueid'))) return [];
	const outbound = leg.get('Context') === config.outboundContext;
	const number = outbound ? (leg.get('Exten') ?? '') : knownNumber(leg.get('CallerIDNum'));
	const party = partyOf(leg);
	// A queue call: the customer's channel runs Queue(support,…) (20b).
	const partyItem = channels.find((item) => item.get('Channel') === party);
	const queue =
		partyItem?.get('Application') === 'Queue'
			? (partyItem.get('ApplicationData') ?? '').split(',')[0]
			: undefined;
	const groupId = context.groups.has(queue) ? context.groups.groupIdOf(queue!) : '';
	const call = newTrackedCall(
		{
			pbxCallId: linkedId,
			origin: outbound ? 2 : 1,
			number,
			callerId: outbound ? numberOfCallerId(config.callerId) || agent.extension : number,
			calledId: outbound ? number : groupId ? queue! : agent.extension,
			groupId: outbound ? context.groups.first : groupId,
		},
		linkedId,
		context.now(),
	);
	tracker.setAgentLeg(call, channel, leg.get('Uniqueid'));
	if (party) tracker.setCustomer(call, party);
	tracker.track(call);
	if (party) tracker.answer(call);
	return [{what: 'call-adopted', number}];
}
