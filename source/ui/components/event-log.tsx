// A scrolling log of what happened; renders only the newest lines that fit (INK-PITFALLS 10).
import {Box, Text} from 'ink';
import {formatClockTime} from '../../core/selectors.js';
import type {ActivityEntry} from '../../session/activity-log.js';
import type {Translate} from '../i18n/index.js';

const levelColor = {info: undefined, warn: 'yellow', error: 'red'} as const;

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
	const visible = entries.slice(Math.max(0, entries.length - height));
	return (
		<Box flexDirection="column" width={width} height={height}>
			{entries.length === 0 && <Text dimColor>{t('label.eventsEmpty')}</Text>}
			{visible.map((entry) => (
				<Text key={entry.id} color={levelColor[entry.level]} wrap="truncate">
					<Text dimColor>{formatClockTime(entry.at)}</Text> <Text dimColor>[{entry.source}]</Text>{' '}
					{entry.text}
				</Text>
			))}
		</Box>
	);
}
