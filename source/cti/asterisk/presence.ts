// The agent's queue membership and pause state, and the intent behind it.
//
// Asterisk holds the membership; ctidesk holds the intent (DESIGN rule 19): logged in or not, and
// paused with a reason or not, as the session last asked (setIntent: wrap-up included). After
// every (re)connect `readQueues()` reads QueueStatus and `enforceIntent()` makes Asterisk match it: a member
// a restart forgot is added again (17b, 08), a member Asterisk unpaused during wrap-up is paused
// again. What it changed is returned for the Events tab.
//
// Presence reported to the session is what Asterisk says: QueueMemberAdded/Pause/Status/Removed
// (also when a supervisor changes it) and the QueueStatus listing.
import type {AgentIdentity, PresenceIntent, ReconcileChange, Result} from '../../core/types.js';
import {ok, refuse} from '../../core/types.js';
import type {AmiMessage} from './ami/parser.js';
import type {DriverContext} from './driver-context.js';
import {membershipOf, presenceOf, type Membership} from './event-map.js';

export interface Presence {
	/** The logged-in agent, or null. */
	agent(): AgentIdentity | null;
	login(identity: AgentIdentity): Promise<Result>;
	logout(): Promise<Result>;
	setPaused(paused: boolean, reason: string | null): Promise<Result>;
	setIntent(intent: PresenceIntent): void;
	/** QueueMemberAdded / Pause / Status / Removed. */
	onMemberEvent(message: AmiMessage): void;
	/** Reads QueueStatus of every queue, handing each listing to `onListing` (waiting callers). */
	readQueues(
		onListing: (queue: string, items: readonly AmiMessage[], mark: number) => void,
	): Promise<QueueListing[]>;
	/** Brings membership and pause in line with the intent; returns what it changed. */
	enforceIntent(listings: readonly QueueListing[]): Promise<ReconcileChange[]>;
	/** Emits agent-state-changed when the presence Asterisk shows changed. */
	report(): void;
}

/** What QueueStatus said of the agent in one queue, and when it was asked (eventSeq). */
export interface QueueListing {
	queue: string;
	listed: Membership | null;
	mark: number;
}

const memberName = (identity: AgentIdentity) => `agent ${identity.user}`;

export function createPresence(
	context: DriverContext,
	options: {stateInterface?: string; onLoggedOut(): void},
): Presence {
	const {iface, link, groups} = context;
	let agent: AgentIdentity | null = null;
	let intent: PresenceIntent = {paused: true, reason: null};
	const members = new Map<string, Membership>();
	/** eventSeq of the last member event per queue: a reply older than it is stale. */
	const memberSeq = new Map<string, number>();
	let reported = 'logged-out:';

	function report(): void {
		if (!agent) return;
		const presence = presenceOf(members.values());
		const key = `${presence.state}:${presence.reason ?? ''}`;
		if (key === reported) return;
		reported = key;
		context.emit({
			type: 'agent-state-changed',
			at: context.now(),
			state: presence.state,
			reason: presence.reason,
		});
		if (presence.state === 'logged-out') {
			// Removed from every queue elsewhere (a supervisor): logged out at this desk too.
			agent = null;
			options.onLoggedOut();
		}
	}

	/** Sets what an accepted queue action did, unless Asterisk already told us (its events win). */
	function settle(queue: string, mark: number, membership: Membership | null): void {
		if ((memberSeq.get(queue) ?? -1) > mark) return;
		if (membership) members.set(queue, membership);
		else members.delete(queue);
	}

	function queueAdd(queue: string, identity: AgentIdentity, wanted: Membership) {
		return link.request(
			{
				Action: 'QueueAdd',
				Queue: queue,
				Interface: iface,
				MemberName: memberName(identity),
				StateInterface: options.stateInterface ?? iface,
				Paused: wanted.paused,
				Reason: wanted.paused && wanted.reason ? wanted.reason : undefined,
			},
			/already there/i,
		);
	}

	function queuePause(queue: string, wanted: Membership) {
		return link.request({
			Action: 'QueuePause',
			Queue: queue,
			Interface: iface,
			Paused: wanted.paused,
			Reason: wanted.paused && wanted.reason ? wanted.reason : undefined,
		});
	}

	return {
		agent: () => agent,
		report,
		setIntent(next) {
			intent = {paused: next.paused, reason: next.paused ? next.reason : null};
		},

		async login(identity) {
			if (!link.up) return link.unavailable();
			if (agent) return refuse('not-allowed', 'The agent is already logged in to Asterisk.');
			agent = identity;
			reported = 'logged-out:';
			members.clear();
			// Like the simulator: calls come after an explicit ready.
			intent = {paused: true, reason: null};
			const added: string[] = [];
			for (const queue of groups.names) {
				const mark = context.eventSeq();
				const outcome = await queueAdd(queue, identity, {paused: true, reason: null});
				if (!outcome.ok) {
					// Leave no half-login behind: out of the queues joined so far.
					for (const joined of added)
						await link.request(
							{Action: 'QueueRemove', Queue: joined, Interface: iface},
							/not there/i,
						);
					agent = null;
					members.clear();
					reported = 'logged-out:';
					return outcome;
				}
				added.push(queue);
				const already = /already there/i.test(outcome.response.get('Message') ?? '');
				if (!already) settle(queue, mark, {paused: true, reason: null});
				else if (!members.has(queue)) members.set(queue, {paused: true, reason: null});
			}
			return ok;
		},

		async logout() {
			if (!link.up) return link.unavailable();
			if (!agent) return refuse('not-allowed', 'The agent is not logged in to Asterisk.');
			for (const queue of groups.names) {
				const mark = context.eventSeq();
				const outcome = await link.request(
					{Action: 'QueueRemove', Queue: queue, Interface: iface},
					/not there/i,
				);
				if (!outcome.ok) {
					report();
					return outcome;
				}
				settle(queue, mark, null);
			}
			members.clear();
			report();
			agent = null;
			options.onLoggedOut();
			return ok;
		},

		async setPaused(paused, reason) {
			if (!agent) return refuse('not-allowed', 'The agent is not logged in to Asterisk.');
			if (!link.up) return link.unavailable();
			for (const queue of groups.names) {
				const mark = context.eventSeq();
				const outcome = await queuePause(queue, {paused, reason});
				if (!outcome.ok) {
					report();
					return outcome;
				}
				settle(queue, mark, {paused, reason: paused ? reason : null});
			}
			intent = {paused, reason: paused ? reason : null};
			report();
			return ok;
		},

		onMemberEvent(message) {
			const queue = message.get('Queue');
			if (!agent || !groups.has(queue) || !context.ours(message.get('Interface'))) return;
			memberSeq.set(queue!, context.eventSeq());
			if (message.event === 'QueueMemberRemoved') members.delete(queue!);
			else members.set(queue!, membershipOf(message.get('Paused'), message.get('PausedReason')));
			report();
		},

		async readQueues(onListing) {
			const listings: QueueListing[] = [];
			for (const queue of groups.names) {
				const mark = context.eventSeq();
				const list = await link.requestList({Action: 'QueueStatus', Queue: queue});
				if (!list) continue;
				onListing(queue, list.events, mark);
				const item = list.events.find(
					(event) =>
						event.event === 'QueueMember' &&
						context.ours(event.get('Location') ?? event.get('Interface')),
				);
				const listed = item ? membershipOf(item.get('Paused'), item.get('PausedReason')) : null;
				// Asterisk's own events after the listing was asked for are newer than it.
				if (agent && listed && (memberSeq.get(queue) ?? -1) <= mark) members.set(queue, listed);
				listings.push({queue, listed, mark});
			}
			report();
			return listings;
		},

		async enforceIntent(listings) {
			const changes: ReconcileChange[] = [];
			for (const {queue, listed, mark} of listings) {
				if (!agent || (memberSeq.get(queue) ?? -1) > mark) continue;
				const wanted: Membership = {...intent};
				if (!listed) {
					// Asterisk forgot the member (a restart without persistent members: 08, 17b).
					const outcome = await queueAdd(queue, agent, wanted);
					if (!outcome.ok) continue;
					settle(queue, mark, wanted);
					changes.push({what: 'member-added', queue, paused: wanted.paused, reason: wanted.reason});
				} else if (wanted.paused !== listed.paused) {
					// Unpaused while the agent is away or in wrap-up (no call may be offered now), or
					// paused while the agent wants calls.
					if (!(await queuePause(queue, wanted)).ok) continue;
					settle(queue, mark, wanted);
					changes.push(
						wanted.paused
							? {what: 'member-paused', queue, reason: wanted.reason}
							: {what: 'member-unpaused', queue},
					);
				}
			}
			report();
			return changes;
		},
	};
}
