// This shift's (and earlier) finished calls, newest first. One row is selected (↑/↓): a digit
// codes it, c or Enter opens its code and note (any recent call can be coded or corrected).
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
	selected = null,
	label = (id) => id,
}: {
	records: readonly CallRecord[];
	t: Translate;
	width: number;
	height: number;
	/** The selected row (History tab); null where the table is only a preview. */
	selected?: number | null;
	label?: (id: string) => string;
}) {
	const hint = selected !== null && records.length > 0 ? 1 : 0;
	const room = Math.max(0, height - 1 - hint);
	const active = selected === null ? -1 : Math.min(selected, records.length - 1);
	const start = Math.max(0, Math.min(active - room + 1, records.length - room));
	const visible = records.slice(Math.max(0, start), Math.max(0, start) + room);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Box>
				<Box width={10} flexShrink={0}>
					<Text dimColor>{t('label.time')}</Text>
				</Box>
				<Box width={17} flexShrink={0}>
					<Text dimColor>{t('label.number')}</Text>
				</Box>
				<Box width={7} flexShrink={0}>
					<Text dimColor>{t('label.duration')}</Text>
				</Box>
				<Text dimColor wrap="truncate">
					{t('label.result')}
				</Text>
			</Box>
			{records.length === 0 && <Text dimColor>{t('label.historyEmpty')}</Text>}
			{visible.map((record, index) => {
				const isSelected = Math.max(0, start) + index === active;
				return (
					<Box key={record.callId} width={width}>
						<Box width={10} flexShrink={0}>
							<Text inverse={isSelected}>
								{isSelected ? '›' : ' '}
								{formatClockTime(record.startedAt)}
							</Text>
						</Box>
						<Box width={17} flexShrink={0}>
							<Text wrap="truncate">
								{' '}
								{record.origin === 1 ? symbols.inbound : symbols.outbound} {record.number}
							</Text>
						</Box>
						<Box width={7} flexShrink={0}>
							<Text>
								{record.answeredAt === null ? '—' : formatDuration(record.endedAt - record.answeredAt)}
							</Text>
						</Box>
						<Text wrap="truncate">
							{t(`cause.${record.endCause}`)}
							{record.transferTarget ? ` → ${record.transferTarget}` : ''}
							{record.disposition ? (
								<Text color="green"> [{label(record.disposition)}]</Text>
							) : (
								<Text dimColor> [{t('label.uncoded')}]</Text>
							)}{' '}
							· {record.callId}
							{record.note ? ` · ${record.note}` : ''}
						</Text>
					</Box>
				);
			})}
			{hint > 0 && (
				<Text dimColor wrap="truncate">
					{t('history.hint')}
				</Text>
			)}
		</Box>
	);
}
