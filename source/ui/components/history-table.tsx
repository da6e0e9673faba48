// This shift's (and earlier) finished calls, newest first.
import {Box, Text} from 'ink';
import {formatDuration, formatClockTime} from '../../core/selectors.js';
import type {CallRecord} from '../../core/types.js';
import type {Translate} from '../i18n/index.js';
import {symbols} from '../theme.js';

export function HistoryTable({
	records,
	t,
	width,
	height,
}: {
	records: readonly CallRecord[];
	t: Translate;
	width: number;
	height: number;
}) {
	const visible = records.slice(0, Math.max(0, height - 1));
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Box>
				<Box width={10}>
					<Text dimColor>{t('label.time')}</Text>
				</Box>
				<Box width={20}>
					<Text dimColor>{t('label.number')}</Text>
				</Box>
				<Box width={9}>
					<Text dimColor>{t('label.duration')}</Text>
				</Box>
				<Text dimColor wrap="truncate">
					{t('label.result')}
				</Text>
			</Box>
			{records.length === 0 && <Text dimColor>{t('label.historyEmpty')}</Text>}
			{visible.map((record) => (
				<Box key={record.callId}>
					<Box width={10} flexShrink={0}>
						<Text>{formatClockTime(record.startedAt)}</Text>
					</Box>
					<Box width={20} flexShrink={0}>
						<Text wrap="truncate">
							{record.origin === 1 ? symbols.inbound : symbols.outbound} {record.number}
						</Text>
					</Box>
					<Box width={9} flexShrink={0}>
						<Text>
							{record.answeredAt === null
								? '—'
								: formatDuration(record.endedAt - record.answeredAt)}
						</Text>
					</Box>
					<Text wrap="truncate">
						{t(`cause.${record.endCause}`)}
						{record.transferTarget ? ` → ${record.transferTarget}` : ''}
						{record.disposition ? ` · [${record.disposition}]` : ''} · {record.callId}
						{record.note ? ` · ${record.note}` : ''}
					</Text>
				</Box>
			))}
		</Box>
	);
}
