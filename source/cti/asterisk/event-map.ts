// Pure tables and helpers that turn Asterisk's words into ctidesk's: channel ownership, end
// causes, presence, refusals and link problems. No state, no I/O: the driver keeps the state.
// Every rule cites what the recorded captures showed (test/fixtures/asterisk-ami/README.md).
import type {EndCause} from '../../core/types.js';

/**
 * Whether `channel` is a channel of the device `iface` (`PJSIP/101-0000000a`,
 * `Local/101@agent-phone-00000001;1`). Asterisk names a channel `<interface>-<hex id>`, with
 * `;1`/`;2` for the two halves of a Local channel; technology names are case-insensitive.
 */
export function isChannelOf(channel: string | undefined, iface: string): boolean {
	if (!channel || channel.length <= iface.length + 1) return false;
	if (channel.charAt(iface.length) !== '-') return false;
	const head = channel.slice(0, iface.length);
	if (head === iface) return true;
	const slash = iface.indexOf('/');
	return (
		head.slice(0, slash).toLowerCase() === iface.slice(0, slash).toLowerCase() &&
		head.slice(slash) === iface.slice(slash)
	);
}

/** `Local/s@incoming-00000000;2` → `Local/s@incoming-00000000`: both halves of a Local pair. */
export function channelBase(channel: string): string {
	return channel.replace(/;[12]$/, '');
}

/**
 * The half of a Local pair that stands for the party in a call is `;1`: the queue dials it
 * (AgentCalled DestChannel) and Originate creates it (04, 06). `;2` runs the dialplan behind it.
 */
export function isOuterLeg(channel: string): boolean {
	return !channel.endsWith(';2');
}

/** OriginateResponse `Reason` codes (04, 14): 4 answered, 3 rang out, 0 could not be set up. */
export function causeOfOriginateReason(reason: string | undefined): EndCause {
	switch (reason) {
		case '3':
			return 'no-answer';
		case '5':
			return 'busy';
		default:
			// 0 (no channel), 1 (hung up before answer), 8 (congestion) and anything unknown.
			return 'failed';
	}
}

/** DialEnd `DialStatus` of the far end of an outbound call; null when it answered. */
export function causeOfDialStatus(status: string | undefined): EndCause | null {
	switch ((status ?? '').toUpperCase()) {
		case 'ANSWER':
			return null;
		case 'BUSY':
			return 'busy';
		case 'NOANSWER':
			return 'no-answer';
		case 'CANCEL':
			return 'agent-hangup';
		case 'INVALIDARGS':
			return 'invalid-number';
		default:
			// CONGESTION, CHANUNAVAIL, DONTCALL, TORTURE and the rest.
			return 'failed';
	}
}

/** Q.850 hangup causes that say more than "it ended" about an unanswered outbound call. */
export function causeOfHangupCode(code: string | undefined): EndCause | null {
	switch (code) {
		case '1': // unallocated number
		case '3': // no route to destination
		case '28': // invalid number format
			return 'invalid-number';
		case '17': // user busy
			return 'busy';
		case '18': // no user responding
		case '19': // user alerting, no answer (14c)
			return 'no-answer';
		case '21': // call rejected
		case '34': // no circuit
		case '38': // network out of order
			return 'failed';
		default:
			return null;
	}
}

/** The agent's queue membership in one queue, as QueueMember*, QueueStatus and our own actions tell it. */
export interface Membership {
	paused: boolean;
	reason: string | null;
}

export type PresenceReport =
	| {state: 'logged-out'; reason: null}
	| {state: 'not-ready'; reason: string | null}
	| {state: 'ready'; reason: null};

/**
 * The agent's presence over its queues: out of every queue is logged out; available in any
 * queue is ready (calls can come); paused everywhere is not ready, with the first reason.
 */
export function presenceOf(memberships: Iterable<Membership>): PresenceReport {
	let any = false;
	let reason: string | null = null;
	for (const membership of memberships) {
		any = true;
		if (!membership.paused) return {state: 'ready', reason: null};
		reason ??= membership.reason;
	}
	return any ? {state: 'not-ready', reason} : {state: 'logged-out', reason: null};
}

/** `Paused: 1`, `PausedReason: lunch` → a Membership (an empty reason is no reason: 03). */
export function membershipOf(paused: string | undefined, reason: string | undefined): Membership {
	const isPaused = paused === '1' || paused?.toLowerCase() === 'true';
	return {paused: isPaused, reason: isPaused && reason ? reason : null};
}

/** `"ctidesk" <101>` → `101`; a bare number stays as it is; '' stays ''. */
export function numberOfCallerId(callerId: string): string {
	const match = /<([^>]*)>/.exec(callerId);
	return (match ? match[1]! : callerId).trim();
}

/** Asterisk writes `<unknown>` for a missing caller id (04, 14). */
export function knownNumber(value: string | undefined): string {
	return !value || value === '<unknown>' ? '' : value;
}

/**
 * The called number of an inbound call. The queue caller's `Exten` is the DID when the trunk
 * context kept it, but it is `s` when the call came in through an `s` extension (every
 * capture): then the queue name is the most useful thing to give the CRM.
 */
export function calledIdOf(exten: string | undefined, queue: string): string {
	return exten && /^\+?[0-9*#]+$/.test(exten) ? exten : queue;
}

/** Which manager.conf `write` class each action the driver sends needs (Asterisk 22 sources). */
export const writeClassOf: Record<string, string> = {
	QueueAdd: 'agent',
	QueueRemove: 'agent',
	QueuePause: 'agent',
	Originate: 'originate',
	Hangup: 'call',
	Redirect: 'call',
	BlindTransfer: 'call',
	Atxfer: 'call',
	Bridge: 'call',
	PlayDTMF: 'call',
	MuteAudio: 'system',
	CoreShowChannels: 'reporting',
};

/** A readable refusal for an `Response: Error` to `action`. */
export function describeRefusal(
	action: string,
	message: string | undefined,
	username: string,
): string {
	const text = (message ?? '').trim() || 'no reason given';
	if (/permission denied/i.test(text)) {
		const needed = writeClassOf[action];
		return needed
			? `Asterisk refused ${action}: permission denied. Give the AMI user "${username}" write = ${needed} in manager.conf.`
			: `Asterisk refused ${action}: permission denied (AMI user "${username}", manager.conf).`;
	}
	return `Asterisk refused ${action}: ${text.replace(/\.+$/, '')}.`;
}

/** The connection-changed message for a link problem reported by ami/connection.ts. */
export function describeLinkProblem(
	reason: string | undefined,
	target: {host: string; port: number; username: string},
): string {
	const where = `${target.host}:${target.port}`;
	const why = reason ?? 'unknown reason';
	if (why === 'authentication failed') {
		return `Asterisk refused the AMI login of "${target.username}": wrong username or secret, or this address is not permitted (manager.conf). Retrying.`;
	}
	if (why.startsWith('login refused'))
		return `Asterisk refused the AMI login of "${target.username}" (${why}). Retrying.`;
	if (why === 'PBX shut down') return 'Asterisk shut down or is restarting. Reconnecting.';
	if (why === 'connection refused') {
		return `Cannot reach Asterisk AMI at ${where}: connection refused (is AMI enabled on this address and port, or a firewall in the way?). Retrying.`;
	}
	if (why === 'connection closed by the PBX')
		return `Asterisk closed the AMI connection at ${where}. Reconnecting.`;
	return `Cannot reach Asterisk AMI at ${where}: ${why}. Retrying.`;
}
