// The bottom line: the latest message or error.
import {Text} from 'ink';

export function StatusLine({
	text,
	level,
	width,
}: {
	text: string;
	level: 'info' | 'warn' | 'error';
	width: number;
}) {
	const color = level === 'error' ? 'red' : level === 'warn' ? 'yellow' : undefined;
	return (
		<Text color={color} dimColor={level === 'info'} wrap="truncate">
			{text.slice(0, width * 2)}
		</Text>
	);
}
