// The Pops tab: every pop that fired, newest first, with its outcome and measured latency
// (driver event → hand-off, and → delivered for hidden pops).
import {Box, Text} from 'ink';
import {formatClockTime} from '../../core/selectors.js';
import type {PopEntryView} from '../desk.js';
import type {Translate} from '../i18n/index.js';

export function formatLatency(entry: Pick<PopEntryView, 'latencyMs' | 'deliveredMs'>): string {
	const handOff = `${entry.latencyMs.toFixed(1)} ms`;
	return entry.deliveredMs === undefined || entry.deliveredMs === null
		? handOff
		: `${handOff} → ${entry.deliveredMs.toFixed(1)} ms`;
}

const outcomeColor: Record<string, string | undefined> = {
	failed: 'red',
	shown: 'yellow',
	queued: 'yellow',
};

export function PopsList({
	entries,
	t,
	width,
	height,
}: {
	entries: readonly PopEntryView[];
	t: Translate;
	width: number;
	height: number;
}) {
	return (
		<Box flexDirection="column" width={width} height={height}>
			{entries.length === 0 && <Text dimColor>{t('label.popsEmpty')}</Text>}
			{entries.slice(0, height).map((entry) => (
				<Text key={entry.id} wrap="truncate">
					<Text dimColor>{formatClockTime(entry.at)}</Text> {entry.kind.padEnd(7)}{' '}
					<Text color={outcomeColor[entry.outcome]}>{entry.outcome.padEnd(9)}</Text>
					<Text dimColor>{formatLatency(entry).padEnd(18)}</Text> {entry.callId ?? ''} {entry.url}
				</Text>
			))}
		</Box>
	);
}
