// A short list to choose from with ↑/↓ and Enter (not-ready reasons, transfer mode).
import {Box, Text} from 'ink';

export function Picker({
	title,
	options,
	selected,
	hint,
	width,
}: {
	title: string;
	options: readonly string[];
	selected: number;
	hint: string;
	width: number;
}) {
	return (
		<Box flexDirection="column" width={width} borderStyle="round" borderColor="cyan" paddingX={1}>
			<Text bold>{title}</Text>
			{options.map((option, index) => (
				<Text key={option} inverse={index === selected} wrap="truncate">
					{index === selected ? '›' : ' '} {index + 1}. {option}
				</Text>
			))}
			<Text dimColor wrap="truncate">
				{hint}
			</Text>
		</Box>
	);
}
