// At ≥ 30 rows: recent calls and the latest events below the main panel (btop's idea: use the
// room a tall terminal gives instead of leaving it empty). Side by side when wide enough.
import {Box} from 'ink';
import type {CallRecord} from '../../core/types.js';
import type {ActivityEntry} from '../../session/activity-log.js';
import type {Translate} from '../i18n/index.js';
import {EventLog} from './event-log.js';
import {HistoryTable} from './history-table.js';
import {Panel, panelInner} from './panel.js';

export function BottomPanels({
	records,
	events,
	label,
	t,
	width,
	height,
	wide,
}: {
	records: readonly CallRecord[];
	events: readonly ActivityEntry[];
	label: (id: string) => string;
	t: Translate;
	width: number;
	height: number;
	wide: boolean;
}) {
	const historyWidth = wide ? Math.floor(width / 2) : 0;
	return (
		<Box width={width} height={height} flexShrink={0}>
			{wide && (
				<Panel title={t('panel.recent')} width={historyWidth} height={height}>
					<HistoryTable records={records} label={label} t={t} {...panelInner(historyWidth, height)} />
				</Panel>
			)}
			<Panel title={t('tab.events')} width={width - historyWidth} height={height}>
				<EventLog entries={events} t={t} {...panelInner(width - historyWidth, height)} />
			</Panel>
		</Box>
	);
}
