// Callers waiting in the agent's groups, with position and wait time; the call ringing at this
// agent is highlighted above them. Only the rows that fit are rendered (a 1000-call queue costs
// the same frame as a 10-call one).
import {Box, Text} from 'ink';
import {formatDuration, waitTime} from '../../core/selectors.js';
import type {Call, QueueEntry} from '../../core/types.js';
import type {Translate} from '../i18n/index.js';
import {symbols} from '../theme.js';

export interface QueueTableProps {
	entries: readonly QueueEntry[];
	ringing: Call | null;
	now: number;
	t: Translate;
	width: number;
	height: number;
	/** First row shown (scrolling). */
	offset?: number;
}

/** The waiting list without the caller ringing here (shown once, highlighted, above the list). */
export function withoutRinging(entries: readonly QueueEntry[], ringing: Call | null): readonly QueueEntry[] {
	if (!ringing) return entries;
	let index = entries.findIndex((entry) => entry.id === ringing.pbxCallId);
	if (index === -1)
		index = entries.findIndex((entry) => entry.number === ringing.number && entry.groupId === ringing.groupId);
	return index === -1 ? entries : [...entries.slice(0, index), ...entries.slice(index + 1)];
}

export function QueueTable({entries: all, ringing, now, t, width, height, offset = 0}: QueueTableProps) {
	const entries = withoutRinging(all, ringing);
	const headerRows = 1 + (ringing ? 1 : 0);
	const room = Math.max(0, height - headerRows - (entries.length > height - headerRows ? 1 : 0));
	const start = Math.min(Math.max(0, offset), Math.max(0, entries.length - room));
	const visible = entries.slice(start, start + room);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Row
				position={t('label.position')}
				number={t('label.number')}
				group={t('label.group')}
				wait={t('label.waiting')}
				dim
			/>
			{ringing && (
				<Text color="magenta" bold inverse wrap="truncate">
					{symbols.ringing} {ringing.number} · {t('label.group')} {ringing.groupId} ·{' '}
					{t('label.yourCall')}
				</Text>
			)}
			{entries.length === 0 && !ringing && <Text dimColor>{t('label.queueEmpty')}</Text>}
			{visible.map((entry, index) => (
				<Row
					key={entry.id}
					position={String(start + index + 1)}
					number={entry.number}
					group={entry.groupId}
					wait={formatDuration(waitTime(entry, now))}
				/>
			))}
			{entries.length > visible.length && (
				<Text dimColor>
					↕ {start + 1}–{start + visible.length} / {entries.length}
				</Text>
			)}
		</Box>
	);
}

function Row({
	position,
	number,
	group,
	wait,
	dim,
}: {
	position: string;
	number: string;
	group: string;
	wait: string;
	dim?: boolean;
}) {
	return (
		<Box>
			<Box width={6} flexShrink={0}>
				<Text dimColor={dim}>{position}</Text>
			</Box>
			<Box width={22} flexShrink={0}>
				<Text dimColor={dim} wrap="truncate">
					{number}
				</Text>
			</Box>
			<Box width={10} flexShrink={0}>
				<Text dimColor={dim} wrap="truncate">
					{group}
				</Text>
			</Box>
			<Text dimColor={dim}>{wait}</Text>
		</Box>
	);
}
