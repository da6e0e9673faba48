// One call of the agent as the driver follows it through AMI events. Plain data: the call
// tracker changes it, the event handlers and commands read it.
//
// Identity: a call is its Linkedid (shared by every channel of the call, 04), and the agent's
// leg is its Uniqueid. Channel names are kept only to address actions (Hangup, Redirect):
// Asterisk reuses names after a restart (17/17b), so a name never identifies anything alone.
import {callIdFromPbxId} from '../../core/call-id.js';
import type {CallInfo, EndCause, TransferMode} from '../../core/types.js';

export interface ConsultLeg {
	target: string;
	/** Atxfer dials `Local/<target>@<context>`: every channel of the consult leg starts with this. */
	prefix: string;
	/** The consult leg's outer channel, once seen (cancel hangs it up). */
	channel: string | null;
	/** The consult leg's channels seen so far (to tell "could not be reached" from "aborted"). */
	seen: boolean;
	answered: boolean;
	/** consult-started was emitted (events can come before the Atxfer reply is read). */
	announced: boolean;
	/** Asterisk gave the agent back to the customer before the Atxfer reply was read. */
	failed: string | null;
	/** The agent asked to cancel or merge: the consult ending now is no failure. */
	expectEnd: boolean;
}

export interface TrackedCall {
	info: CallInfo;
	linkedIds: Set<string>;
	/** The agent's leg (the `;1` half for a Local interface): name for actions, Uniqueid for identity. */
	agentChannel: string | null;
	agentUniqueid: string | null;
	/** The customer's channel bridged with the agent (hold, DTMF). */
	customerChannel: string | null;
	/** Both halves of the customer's Local pairs, by channelBase (within this call's Linkedid). */
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
	consult: ConsultLeg | null;
	/** Outbound: why the far end was not reached (DialEnd, OriginateResponse). */
	failure: EndCause | null;
	/** Outbound: Originate sent, the agent's channel not seen yet. */
	awaitingOriginate: boolean;
	originateActionId: string | null;
	/** Outbound: the Uniqueid we gave the agent's leg with Originate's ChannelId. */
	channelId: string | null;
}

/** A new call; its callid is derived from the PBX's id, so every desk gives it the same one. */
export function newTrackedCall(
	info: Omit<CallInfo, 'callId'>,
	linkedId: string,
	now: number,
): TrackedCall {
	return {
		info: {...info, callId: callIdFromPbxId(info.pbxCallId, now)},
		linkedIds: new Set([linkedId]),
		agentChannel: null,
		agentUniqueid: null,
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
		awaitingOriginate: false,
		originateActionId: null,
		channelId: null,
	};
}
