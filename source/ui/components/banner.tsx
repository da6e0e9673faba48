// The state banner across the top (issue 14 item 1): the state in words on its own colour, its
// timers with their labels, and while a call is up the customer's number in big digits with the
// direction. Three full-width rows; with NO_COLOR the rows are drawn inverse instead of coloured.
import {Box, Text} from 'ink';
import {formatDuration} from '../../core/selectors.js';
import type {SessionState} from '../../core/types.js';
import {bigDigits, bigWidth} from '../big-digits.js';
import type {Translate} from '../i18n/index.js';
import {stateTimers} from '../state-timers.js';
import {displayWidth, fitToWidth} from '../text-width.js';
import {stateStyle, symbols} from '../theme.js';

export interface BannerProps {
	session: SessionState;
	now: number;
	t: Translate;
	width: number;
	/** False with NO_COLOR: inverse rows instead of a coloured background. */
	colour: boolean;
	/** The not-ready reason as the agent reads it (a label in their language). */
	reasonLabel?: (reason: string) => string;
}

export const bannerRows = 3;

export function Banner({session, now, t, width, colour, reasonLabel = (reason) => reason}: BannerProps) {
	const {agent, call} = session;
	const style = stateStyle[agent.state];
	const consult = call?.consult ?? null;
	// A consult is shown as such: the customer waits on hold while the agent talks to `target`.
	const stateWord = (consult ? t('state.consult') : t(`state.${agent.state}`)).toUpperCase();
	const symbol = consult ? '⇄' : style.symbol;
	const timers = stateTimers(session, now)
		.map((timer) => `${t(timer.label)} ${formatDuration(timer.ms)}`)
		.join(' · ');
	let detail = '';
	if (call) {
		const direction = call.origin === 1 ? `${symbols.inbound} ${t('label.inbound')}` : `${symbols.outbound} ${t('label.outbound')}`;
		detail = consult
			? `⇄ ${consult.target} · ${call.origin === 1 ? symbols.inbound : symbols.outbound} ${t('label.group')} ${call.groupId}`
			: `${direction} · ${t('label.group')} ${call.groupId}`;
	} else if (agent.state === 'not-ready' && agent.reason) detail = reasonLabel(agent.reason);
	else if (agent.identity) detail = `${t('label.agent')} ${agent.identity.user}`;
	else detail = t('banner.loginHint');

	const leftWidth = Math.min(width, Math.max(26, displayWidth(timers) + 3, displayWidth(stateWord) + 5));
	const rightWidth = Math.max(0, width - leftWidth);
	const number = call?.number ?? '';
	const big = number && bigWidth(number) + 1 <= rightWidth ? bigDigits(number) : null;
	const right: [string, string, string] = big
		? [` ${big[0]}`, ` ${big[1]}`, ` ${big[2]}`]
		: ['', number ? ` ${symbols.ringing} ${number}` : '', ''];
	const left: [string, string, string] = [` ${symbol} ${stateWord}`, ` ${timers}`, ` ${detail}`];
	const rows = [0, 1, 2].map((row) => ({
		left: fitToWidth(left[row]!, leftWidth),
		right: fitToWidth(right[row]!, rightWidth),
	}));
	const paint = colour ? {backgroundColor: style.background, color: style.foreground} : {inverse: true};
	return (
		<Box flexDirection="column" width={width} height={bannerRows} flexShrink={0}>
			{rows.map((row, index) => (
				<Text key={index} wrap="truncate" {...paint}>
					<Text bold={index === 0}>{row.left}</Text>
					<Text bold>{row.right}</Text>
				</Text>
			))}
		</Box>
	);
}
