// Coding one finished call: the codes in a row (← → or ↑/↓ choose), the note typed below.
// Compact on purpose: it sits above the inline wrap-up panel on an 80x24 screen.
import {Box, Text} from 'ink';
import type {Translate} from '../i18n/index.js';
import {displayWidth} from '../text-width.js';
import {visibleTail} from './prompt.js';

export function CodeEditor({
	number,
	callId,
	codes,
	selected,
	note,
	error,
	label,
	t,
	width,
}: {
	number: string;
	callId: string;
	codes: readonly string[];
	selected: number;
	note: string;
	error: string | null;
	label: (id: string) => string;
	t: Translate;
	width: number;
}) {
	const noteLabel = `${t('prompt.note')}: `;
	const room = Math.max(1, width - 4 - displayWidth(noteLabel) - 1);
	return (
		<Box flexDirection="column" width={width} borderStyle="round" borderColor="cyan" paddingX={1}>
			<Text bold wrap="truncate">
				{t('prompt.code', {number, call: callId})}
			</Text>
			<Text wrap="wrap">
				{codes.map((code, index) => (
					<Text key={code}>
						<Text inverse={index === selected} bold={index === selected}>
							{index === selected ? '›' : ' '}
							{label(code)}
						</Text>{' '}
					</Text>
				))}
			</Text>
			<Text wrap="truncate">
				<Text bold>{noteLabel}</Text>
				{visibleTail(note, room)}
				<Text inverse> </Text>
			</Text>
			<Text color={error ? 'red' : undefined} dimColor={!error} wrap="truncate">
				{error ?? t('prompt.codeHint')}
			</Text>
		</Box>
	);
}
