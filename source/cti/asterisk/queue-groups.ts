// The agent's Asterisk queues and the group id each one shows to CRMs. CRMs written against the
// original interface expect their group number in `groupid`, not Asterisk's queue name, so
// pbx.asterisk.queues may map one: [{"name": "support", "groupId": "1"}]. A bare name is its
// own group id.
import type {AsteriskConfig} from '../../config/schema.js';

export interface QueueGroups {
	/** Queue names, in config order. */
	readonly names: readonly string[];
	has(queue: string | undefined): boolean;
	/** The group id shown for a queue (its name when none is mapped). */
	groupIdOf(queue: string): string;
	/** The group id of the first queue (outbound calls). */
	readonly first: string;
}

export function createQueueGroups(queues: AsteriskConfig['queues']): QueueGroups {
	const groupIds = new Map<string, string>();
	for (const queue of queues) {
		if (typeof queue === 'string') groupIds.set(queue, queue);
		else groupIds.set(queue.name, queue.groupId);
	}
	const names = [...groupIds.keys()];
	return {
		names,
		has: (queue) => queue !== undefined && groupIds.has(queue),
		groupIdOf: (queue) => groupIds.get(queue) ?? queue,
		first: names[0] === undefined ? '' : groupIds.get(names[0])!,
	};
}
