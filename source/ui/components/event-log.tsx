// A scrolling log of what happened; renders only the newest lines that fit (INK-PITFALLS 10).
// Long lines wrap here, so a status-line message cut at the terminal's width reads whole.
import {Box, Text} from 'ink';
import {formatClockTime} from '../../core/selectors.js';
import type {ActivityEntry} from '../../session/activity-log.js';
import type {Translate} from '../i18n/index.js';
import {displayWidth} from '../text-width.js';

const levelColor = {info: undefined, warn: 'yellow', error: 'red'} as const;

/** Rows an entry takes when wrapped at `width` (time + source prefix included). */
function rowsOf(entry: ActivityEntry, width: number): number {
	const length = 9 + displayWidth(`[${entry.source}] `) + displayWidth(entry.text);
	return Math.max(1, Math.ceil(length / Math.max(1, width)));
}

export function EventLog({
	entries,
	t,
	width,
	height,
}: {
	entries: readonly ActivityEntry[];
	t: Translate;
	width: number;
	height: number;
}) {
	// Newest at the bottom: take entries from the end while their wrapped rows fit.
	const visible: ActivityEntry[] = [];
	let used = 0;
	for (let index = entries.length - 1; index >= 0; index--) {
		const rows = rowsOf(entries[index]!, width);
		if (used + rows > height) break;
		used += rows;
		visible.unshift(entries[index]!);
	}
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{entries.length === 0 && <Text dimColor>{t('label.eventsEmpty')}</Text>}
			{visible.map((entry) => (
				<Text key={`${entry.source}:${entry.id}`} color={levelColor[entry.level]} wrap="wrap">
					<Text dimColor>{formatClockTime(entry.at)}</Text> <Text dimColor>[{entry.source}]</Text> {entry.text}
				</Text>
			))}
		</Box>
	);
}
