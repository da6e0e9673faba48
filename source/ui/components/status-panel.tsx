// The status panel: agent state and time in state, PBX and local API, shift counters.
import {Box, Text} from 'ink';
import {formatDuration, shiftCounters, timeInState, wrapUpRemaining} from '../../core/selectors.js';
import type {SessionState} from '../../core/types.js';
import type {ServerView} from '../desk.js';
import type {Translate} from '../i18n/index.js';
import {stateColor, symbols} from '../theme.js';

export interface StatusPanelProps {
	session: SessionState;
	server: ServerView;
	pendingPops: number;
	/** Which browser mode is active and why (issue 15), e.g. "managed: /usr/bin/chromium". */
	browser?: {why: string} | undefined;
	now: number;
	t: Translate;
	width: number;
}

/** The panel keeps one line per row; the full PBX message is in the status line and the Events tab. */
function shorten(text: string, length: number): string {
	return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

export function StatusPanel({
	session,
	server,
	pendingPops,
	browser,
	now,
	t,
	width,
}: StatusPanelProps) {
	const {agent, pbx} = session;
	const identity = agent.identity;
	const counters = shiftCounters(session.shift, now);
	const wrapLeft = wrapUpRemaining(session, now);
	const stateLabel = t(`state.${agent.state}`);
	return (
		<Box flexDirection="column" width={width}>
			<Box columnGap={1}>
				<Text color={stateColor[agent.state]} bold wrap="truncate">
					{symbols.dot} {stateLabel}
					{agent.state === 'not-ready' && agent.reason ? ` (${agent.reason})` : ''}
				</Text>
				{agent.state !== 'logged-out' && <Text>{formatDuration(timeInState(session, now))}</Text>}
				{wrapLeft !== null && (
					<Text color="cyan">
						{formatDuration(wrapLeft)} {t('label.wrapUpLeft')}
					</Text>
				)}
				<Text dimColor>{symbols.separator}</Text>
				<Text wrap="truncate">
					{t('label.agent')}{' '}
					{identity ? `${identity.user} (${identity.agentId}/${identity.empId})` : '—'}
				</Text>
			</Box>
			<Box columnGap={1}>
				<Text wrap="truncate">
					{t('label.pbx')} {pbx.driver}{' '}
					<Text color={pbx.connected ? 'green' : 'red'}>
						{pbx.connected ? t('label.connected') : t('label.disconnected')}
					</Text>
					{!pbx.connected && pbx.message ? (
						<Text color="red"> ({shorten(pbx.message, 36)})</Text>
					) : null}
				</Text>
				<Text dimColor>{symbols.separator}</Text>
				<Text wrap="truncate">
					{t('label.api')}{' '}
					{server.on ? (
						<Text color="green">:{server.port}</Text>
					) : (
						<Text color="red">{t('label.off')}</Text>
					)}
				</Text>
				{browser ? (
					<Text dimColor wrap="truncate">
						{symbols.separator} {browser.why}
					</Text>
				) : null}
				{pendingPops > 0 && (
					<Text color="yellow">
						{symbols.separator} {pendingPops} {t('label.pendingPops')}
					</Text>
				)}
			</Box>
			<Text dimColor wrap="truncate">
				{t('label.shift')}: {counters.callsHandled} {t('label.handled')}, {counters.callsMissed}{' '}
				{t('label.missed')}, {t('label.talk')} {formatDuration(counters.talkMs)}, {t('label.aht')}{' '}
				{formatDuration(counters.averageHandleMs)}
			</Text>
		</Box>
	);
}
