// Under the banner: who is logged in, the PBX link and the local API, and the shift's counters.
// (The state and its timers are in the banner.)
import {Box, Text} from 'ink';
import {formatDuration, shiftCounters} from '../../core/selectors.js';
import type {SessionState} from '../../core/types.js';
import type {ServerView} from '../desk.js';
import type {Translate} from '../i18n/index.js';
import {symbols} from '../theme.js';
import {truncateToWidth} from '../text-width.js';

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

export const statusPanelRows = 2;

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
	return (
		<Box flexDirection="column" width={width} height={statusPanelRows} flexShrink={0}>
			<Text wrap="truncate">
				{t('label.agent')} {identity ? `${identity.user} (${identity.agentId}/${identity.empId})` : '—'}{' '}
				<Text dimColor>{symbols.separator}</Text> {t('label.pbx')} {pbx.driver}{' '}
				<Text color={pbx.connected ? 'green' : 'red'}>
					{pbx.connected ? `✓ ${t('label.connected')}` : `✗ ${t('label.disconnected')}`}
				</Text>
				{!pbx.connected && pbx.message ? <Text color="red"> ({truncateToWidth(pbx.message, 36)})</Text> : null}{' '}
				<Text dimColor>{symbols.separator}</Text> {t('label.api')}{' '}
				{server.on ? <Text color="green">:{server.port}</Text> : <Text color="red">{t('label.off')}</Text>}
				{browser ? (
					<Text dimColor>
						{' '}
						{symbols.separator} {browser.why}
					</Text>
				) : null}
				{pendingPops > 0 ? (
					<Text color="yellow">
						{' '}
						{symbols.separator} {pendingPops} {t('label.pendingPops')}
					</Text>
				) : null}
			</Text>
			<Text dimColor wrap="truncate">
				{t('label.shift')}: {counters.callsHandled} {t('label.handled')} · {counters.callsMissed}{' '}
				{t('label.missed')} · {t('label.talk')} {formatDuration(counters.talkMs)} · {t('label.aht')}{' '}
				{formatDuration(counters.averageHandleMs)}
			</Text>
		</Box>
	);
}
