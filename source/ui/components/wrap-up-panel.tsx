// After-call work, inline and never modal (issue 14 item 5): the wrap-up codes with their digit,
// the call they go to, its code and note so far. Digits code the call at once (no toolbar key
// is a digit); c opens the code with a note. It is shown only while the agent is in wrap-up, so
// it goes away by itself when the wrap-up ends (timer, r, ready.cgi, a new call).
import {Box, Text} from 'ink';
import type {CallRecord} from '../../core/types.js';
import type {Translate} from '../i18n/index.js';
import {symbols} from '../theme.js';

export const wrapUpPanelRows = 4;

export function WrapUpPanel({
	call,
	codes,
	label,
	codeKey,
	t,
	width,
}: {
	call: CallRecord;
	codes: readonly string[];
	label: (id: string) => string;
	/** The key that opens code + note (c unless remapped). */
	codeKey: string;
	t: Translate;
	width: number;
}) {
	return (
		<Box
			flexDirection="column"
			width={width}
			height={wrapUpPanelRows}
			borderStyle="round"
			borderColor="white"
			paddingX={1}
			flexShrink={0}
		>
			<Text wrap="truncate">
				<Text bold>{t('wrapUp.title')}</Text> {call.origin === 1 ? symbols.inbound : symbols.outbound} {call.number} ·{' '}
				{call.disposition ? (
					<Text color="green">[{label(call.disposition)}]</Text>
				) : (
					<Text color="yellow">{t('wrapUp.uncoded')}</Text>
				)}
				{call.note ? ` · ${call.note}` : ''}
			</Text>
			<Text wrap="truncate">
				{codes.slice(0, 9).map((code, index) => (
					<Text key={code}>
						<Text color="cyan" bold>
							{index + 1}
						</Text>{' '}
						<Text inverse={call.disposition === code}>{label(code)}</Text>
						{'  '}
					</Text>
				))}
				<Text dimColor>{t('wrapUp.hint', {key: codeKey})}</Text>
			</Text>
		</Box>
	);
}
