// The bottom line: the latest feedback (use-feedback.ts). Errors red, warnings yellow. A message
// longer than the line ends in "… (Events tab)", where it reads whole.
import {Text} from 'ink';
import {displayWidth, truncateToWidth} from '../text-width.js';

export function fitStatus(text: string, width: number, more: string): string {
	if (displayWidth(text) <= width) return text;
	const suffix = ` ${more}`;
	return truncateToWidth(text, Math.max(1, width - displayWidth(suffix))) + suffix;
}

export function StatusLine({
	text,
	level,
	width,
	more,
}: {
	text: string;
	level: 'info' | 'warn' | 'error';
	width: number;
	/** "(Events tab)" in the agent's language. */
	more: string;
}) {
	const color = level === 'error' ? 'red' : level === 'warn' ? 'yellow' : 'green';
	return (
		<Text color={color} bold={level === 'error'} wrap="truncate">
			{text ? fitStatus(text, width, more) : ' '}
		</Text>
	);
}
