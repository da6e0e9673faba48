// The Pops tab: every pop that fired, newest first, with its outcome and measured latency
// (driver event → hand-off, and → delivered for hidden pops).
import {Box, Text} from 'ink';
import {formatClockTime} from '../../core/selectors.js';
import type {PopEntryView} from '../desk.js';
import {translateKey, type Translate} from '../i18n/index.js';
import {displayWidth} from '../text-width.js';

export function formatLatency(entry: Pick<PopEntryView, 'latencyMs' | 'deliveredMs'>): string {
	const handOff = `${entry.latencyMs.toFixed(1)} ms`;
	return entry.deliveredMs === undefined || entry.deliveredMs === null
		? handOff
		: `${handOff} → ${entry.deliveredMs.toFixed(1)} ms`;
}

/** Pads to a width in columns (Chinese words take two per character). */
function pad(text: string, width: number): string {
	return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
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
					<Text dimColor>{formatClockTime(entry.at)}</Text> {pad(translateKey(t, `pop.kind.${entry.kind}`, entry.kind), 7)}{' '}
					<Text color={outcomeColor[entry.outcome]}>{pad(translateKey(t, `pop.outcome.${entry.outcome}`, entry.outcome), 11)}</Text>
					<Text dimColor>{formatLatency(entry).padEnd(18)}</Text> {entry.callId ?? ''} {entry.url}
				</Text>
			))}
		</Box>
	);
}
