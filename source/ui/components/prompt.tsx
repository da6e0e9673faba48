// A one-line input shown over the panels: dial number, transfer target, password… A value longer
// than the line scrolls, so the end (where the cursor is) stays visible.
import {Box, Text} from 'ink';
import {displayWidth} from '../text-width.js';

export interface PromptProps {
	label: string;
	value: string;
	hint: string;
	masked?: boolean;
	error?: string | null;
	width: number;
}

/** The tail of `value` that fits in `room` columns, with "…" in front when the start is hidden. */
export function visibleTail(value: string, room: number): string {
	if (displayWidth(value) <= room) return value;
	const characters = [...value];
	let out = '';
	let used = 1;
	for (let index = characters.length - 1; index >= 0; index--) {
		const width = displayWidth(characters[index]!);
		if (used + width > room) break;
		out = characters[index] + out;
		used += width;
	}
	return `…${out}`;
}

export function Prompt({label, value, hint, masked, error, width}: PromptProps) {
	const shown = masked ? '•'.repeat([...value].length) : value;
	// Border and padding take 4 columns, the cursor one.
	const room = Math.max(1, width - 4 - displayWidth(`${label}: `) - 1);
	return (
		<Box flexDirection="column" width={width} borderStyle="round" borderColor="cyan" paddingX={1}>
			<Text wrap="truncate">
				<Text bold>{label}: </Text>
				{visibleTail(shown, room)}
				<Text inverse> </Text>
			</Text>
			{error ? (
				<Text color="red" wrap="truncate">
					{error}
				</Text>
			) : (
				<Text dimColor wrap="truncate">
					{hint}
				</Text>
			)}
		</Box>
	);
}
