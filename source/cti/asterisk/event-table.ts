// One table: AMI event name → the handler that reads it. Events not in the table (VarSet,
// Newexten, DeviceStateChange … most of the bytes with `read = all`) are ignored.
import type {AmiMessage} from './ami/parser.js';
import type {CallEvents} from './call-events.js';
import type {Presence} from './presence.js';
import type {WaitingCallers} from './waiting-callers.js';

export type AmiEventHandler = (message: AmiMessage) => void;

export function createEventTable(parts: {
	presence: Presence;
	waiting: WaitingCallers;
	calls: CallEvents;
	/** After a waiting caller joined or left: report the queue. */
	onQueueChange(): void;
}): Readonly<Record<string, AmiEventHandler>> {
	const {presence, waiting, calls} = parts;
	const queueChange =
		(apply: AmiEventHandler): AmiEventHandler =>
		(message) => {
			apply(message);
			parts.onQueueChange();
		};
	return {
		QueueMemberAdded: presence.onMemberEvent,
		QueueMemberPause: presence.onMemberEvent,
		QueueMemberStatus: presence.onMemberEvent,
		QueueMemberRemoved: presence.onMemberEvent,
		QueueCallerJoin: queueChange(waiting.onJoin),
		QueueCallerLeave: queueChange(waiting.onLeave),
		QueueCallerAbandon: queueChange(waiting.onLeave),
		AgentCalled: calls.onAgentCalled,
		AgentConnect: calls.onAgentConnect,
		AgentRingNoAnswer: calls.onAgentRingNoAnswer,
		Newchannel: calls.onChannelSeen,
		Newstate: calls.onChannelSeen,
		DialBegin: calls.onDialBegin,
		DialEnd: calls.onDialEnd,
		BridgeEnter: calls.onBridgeEnter,
		BridgeLeave: calls.onBridgeLeave,
		BridgeDestroy: calls.onBridgeDestroy,
		Hold: calls.onHoldChange,
		Unhold: calls.onHoldChange,
		BlindTransfer: calls.onBlindTransfer,
		AttendedTransfer: calls.onAttendedTransfer,
		HangupRequest: calls.onHangupRequest,
		SoftHangupRequest: calls.onHangupRequest,
		Hangup: calls.onHangup,
		OriginateResponse: calls.onOriginateResponse,
	};
}
