// Callers waiting in the agent's queues: QueueCallerJoin / Leave / Abandon as they happen, and
// the QueueEntry items of QueueStatus after each (re)connect. Emits queue-changed with the whole
// list, oldest first, only when it changed, and only while the agent is logged in.
import type {QueueEntry} from '../../core/types.js';
import type {AmiMessage} from './ami/parser.js';
import type {DriverContext} from './driver-context.js';
import {knownNumber} from './event-map.js';

interface Waiting extends QueueEntry {
	queue: string;
	/** eventSeq when learnt: a QueueStatus reply sent before a later event is stale for it. */
	seq: number;
}

const memoryLimit = 500;

export interface WaitingCallers {
	onJoin(message: AmiMessage): void;
	onLeave(message: AmiMessage): void;
	/** QueueStatus items of `queue`, asked for at eventSeq `mark`: replace what was known then. */
	fromQueueStatus(queue: string, items: readonly AmiMessage[], mark: number): void;
	/** Emits the list when it changed; empty while `visible` is false (logged out). */
	report(visible: boolean): void;
	/** The link dropped: what QueueStatus said is rebuilt after the reconnect. */
	forgetLink(): void;
}

export function createWaitingCallers(context: DriverContext): WaitingCallers {
	const waiting = new Map<string, Waiting>();
	/** Uniqueid → eventSeq of callers that left: a QueueStatus older than that is stale. */
	const departed = new Map<string, number>();
	let reported = '[]';

	return {
		onJoin(message) {
			const queue = message.get('Queue');
			const id = message.get('Uniqueid');
			if (!queue || !id || !context.groups.has(queue)) return;
			waiting.set(id, {
				id,
				number: knownNumber(message.get('CallerIDNum')),
				groupId: context.groups.groupIdOf(queue),
				waitingSince: context.now(),
				queue,
				seq: context.eventSeq(),
			});
		},
		onLeave(message) {
			const id = message.get('Uniqueid');
			if (!id) return;
			departed.set(id, context.eventSeq());
			if (departed.size > memoryLimit) departed.delete(departed.keys().next().value!);
			waiting.delete(id);
		},
		fromQueueStatus(queue, items, mark) {
			const now = context.now();
			for (const [id, entry] of waiting)
				if (entry.queue === queue && entry.seq <= mark) waiting.delete(id);
			for (const item of items) {
				if (item.event !== 'QueueEntry') continue;
				const id = item.get('Uniqueid');
				if (!id || (departed.get(id) ?? -1) > mark || waiting.has(id)) continue;
				const waitSeconds = Number(item.get('Wait') ?? '0');
				waiting.set(id, {
					id,
					number: knownNumber(item.get('CallerIDNum')),
					groupId: context.groups.groupIdOf(queue),
					waitingSince: now - (Number.isFinite(waitSeconds) ? waitSeconds * 1000 : 0),
					queue,
					seq: mark,
				});
			}
		},
		report(visible) {
			const entries: QueueEntry[] = visible
				? [...waiting.values()]
						.sort((a, b) => a.waitingSince - b.waitingSince || a.seq - b.seq)
						.map(({id, number, groupId, waitingSince}) => ({id, number, groupId, waitingSince}))
				: [];
			const key = JSON.stringify(entries);
			if (key === reported) return;
			reported = key;
			context.emit({type: 'queue-changed', at: context.now(), entries});
		},
		forgetLink() {
			departed.clear();
		},
	};
}
