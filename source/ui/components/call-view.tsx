// The Call tab: every field of the current call with a live duration, or the last finished one.
import {Box, Text} from 'ink';
import {formatDuration, holdDuration} from '../../core/selectors.js';
import type {Call, CallRecord} from '../../core/types.js';
import type {PopsView} from '../desk.js';
import type {Translate} from '../i18n/index.js';
import {stateColor, symbols} from '../theme.js';
import {TerminalLink} from './terminal-link.js';
import {formatLatency, selectCallPopLatencies} from '../../pops/call-pop-latency.js';

export interface CallViewProps {
	call: Call | null;
	lastCall: CallRecord | null;
	fallbackLinks: PopsView['fallbackLinks'];
	/** The pops fired, newest first: the Call tab shows this call's latencies. */
	pops: PopsView['recent'];
	now: number;
	t: Translate;
	width: number;
	height: number;
	/** Lines shown while there is no call (how to log in, where the config file is). */
	notice?: readonly string[];
	/** A wrap-up code's label in the agent's language. */
	label?: (id: string) => string;
}

function Field({label, value, width}: {label: string; value: string; width: number}) {
	return (
		<Box width={width}>
			<Box width={12} flexShrink={0}>
				<Text dimColor wrap="truncate">
					{label}
				</Text>
			</Box>
			<Text wrap="truncate">{value}</Text>
		</Box>
	);
}

/** "ring 0.4 ms · answer 0.3 ms · hangup 0.2 ms → 4.1 ms" for one call. */
function popLatencies(pops: PopsView['recent'], callId: string): string {
	return selectCallPopLatencies(pops, callId)
		.map(
			(pop) =>
				`${pop.kind} ${formatLatency(pop.latencyMs)}${pop.deliveredMs === null ? '' : ` → ${formatLatency(pop.deliveredMs)}`}`,
		)
		.join(' · ');
}

export function CallView({
	call,
	lastCall,
	fallbackLinks,
	pops,
	now,
	t,
	width,
	height,
	notice = [],
	label = (id) => id,
}: CallViewProps) {
	const half = Math.floor(width / 2);
	const links = fallbackLinks.slice(0, Math.max(0, height - 6));
	if (!call) {
		return (
			<Box flexDirection="column" width={width} height={height}>
				<Text dimColor>{t('label.noCall')}</Text>
				{notice.map((line) => (
					<Text key={line} color="cyan" wrap="wrap">
						{line}
					</Text>
				))}
				{lastCall && (
					<Text dimColor wrap="truncate">
						{lastCall.origin === 1 ? symbols.inbound : symbols.outbound} {lastCall.number} ·{' '}
						{lastCall.callId} · {t(`cause.${lastCall.endCause}`)}
						{lastCall.disposition ? ` · [${label(lastCall.disposition)}]` : ''}
					</Text>
				)}
				{lastCall && popLatencies(pops, lastCall.callId) && (
					<Text dimColor wrap="truncate">
						{t('tab.pops')}: {popLatencies(pops, lastCall.callId)}
					</Text>
				)}
				{links.map((link) => (
					<TerminalLink key={link.kind + link.url} label={link.kind} url={link.url} />
				))}
			</Box>
		);
	}
	const state = call.state === 'ended' ? 'talking' : call.state;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text color={stateColor[state]} bold wrap="truncate">
				{call.origin === 1
					? `${symbols.inbound} ${t('label.inbound')}`
					: `${symbols.outbound} ${t('label.outbound')}`}{' '}
				{call.number} · {t(`state.${state}`)}
			</Text>
			<Box>
				<Field label={t('label.callerId')} value={call.callerId} width={half} />
				<Field label={t('label.calledId')} value={call.calledId} width={width - half} />
			</Box>
			<Box>
				<Field label={t('label.group')} value={call.groupId} width={half} />
				<Field label={t('label.callId')} value={call.callId} width={width - half} />
			</Box>
			<Box>
				<Field
					label={t('label.holdTotal')}
					value={formatDuration(holdDuration(call, now))}
					width={half}
				/>
				{call.consult && (
					<Field
						label={t('label.consult')}
						value={`${call.consult.target} (${t(call.consult.state === 'dialing' ? 'state.dialing' : 'state.talking')})`}
						width={width - half}
					/>
				)}
				{!call.consult && call.conferenceWith && (
					<Field label={t('label.conference')} value={call.conferenceWith} width={width - half} />
				)}
			</Box>
			{call.muted && <Text color="yellow">{t('label.muted')}</Text>}
			{popLatencies(pops, call.callId) && (
				<Text dimColor wrap="truncate">
					{t('tab.pops')}: {popLatencies(pops, call.callId)}
				</Text>
			)}
			{links.map((link) => (
				<TerminalLink key={link.kind + link.url} label={link.kind} url={link.url} />
			))}
		</Box>
	);
}
