// The panels under the tab row: at ≥ 100 columns the call and the queue side by side (either
// tab shows both), otherwise the selected tab in one panel. Every panel has a border and a title.
import {Box} from 'ink';
import type {SessionState} from '../../core/types.js';
import type {ActivityEntry} from '../../session/activity-log.js';
import type {DeskSettings, PopsView} from '../desk.js';
import type {Translate} from '../i18n/index.js';
import type {TabName} from '../ui-state.js';
import {CallView} from './call-view.js';
import {EventLog} from './event-log.js';
import {HistoryTable} from './history-table.js';
import {LinksList} from './links-list.js';
import {Panel, panelInner} from './panel.js';
import {PopsList} from './pops-list.js';
import {QueueTable} from './queue-table.js';

export interface MainAreaProps {
	tab: TabName;
	sideBySide: boolean;
	session: SessionState;
	settings: DeskSettings;
	pops: PopsView;
	events: readonly ActivityEntry[];
	now: number;
	t: Translate;
	label: (id: string) => string;
	width: number;
	height: number;
	queueOffset: number;
	linkIndex: number;
	historyIndex: number;
	notice: readonly string[];
}

export function MainArea(props: MainAreaProps) {
	const {tab, sideBySide, session, t, width, height} = props;
	const queueTitle = `${t('tab.queue')}${session.queue.length > 0 ? ` (${session.queue.length})` : ''}`;
	if (sideBySide && (tab === 'call' || tab === 'queue')) {
		const left = Math.floor(width * 0.55);
		return (
			<Box width={width} height={height}>
				<Panel title={t('tab.call')} width={left} height={height} focused={tab === 'call'}>
					<TabContent {...props} tab="call" {...panelInner(left, height)} />
				</Panel>
				<Panel title={queueTitle} width={width - left} height={height} focused={tab === 'queue'}>
					<TabContent {...props} tab="queue" {...panelInner(width - left, height)} />
				</Panel>
			</Box>
		);
	}
	return (
		<Panel title={tab === 'queue' ? queueTitle : t(`tab.${tab}`)} width={width} height={height} focused>
			<TabContent {...props} {...panelInner(width, height)} />
		</Panel>
	);
}

function TabContent(props: MainAreaProps) {
	const {tab, session, settings, pops, events, now, t, label, width, height} = props;
	switch (tab) {
		case 'call':
			return (
				<CallView
					call={session.call}
					lastCall={session.recentCalls[0] ?? null}
					fallbackLinks={pops.fallbackLinks}
					pops={pops.recent}
					now={now}
					t={t}
					width={width}
					height={height}
					notice={props.notice}
				/>
			);
		case 'queue':
			return (
				<QueueTable
					entries={session.queue}
					ringing={session.call?.state === 'ringing' ? session.call : null}
					now={now}
					t={t}
					width={width}
					height={height}
					offset={props.queueOffset}
				/>
			);
		case 'history':
			return (
				<HistoryTable
					records={session.recentCalls}
					selected={props.historyIndex}
					label={label}
					t={t}
					width={width}
					height={height}
				/>
			);
		case 'links':
			return <LinksList links={settings.links} selected={props.linkIndex} t={t} width={width} height={height} />;
		case 'pops':
			return <PopsList entries={pops.recent} t={t} width={width} height={height} />;
		case 'events':
			return <EventLog entries={events} t={t} width={width} height={height} />;
	}
}
