// A one-line input shown over the tabs: dial number, transfer target, password…
import {Box, Text} from 'ink';

export interface PromptProps {
	label: string;
	value: string;
	hint: string;
	masked?: boolean;
	error?: string | null;
	width: number;
}

export function Prompt({label, value, hint, masked, error, width}: PromptProps) {
	return (
		<Box flexDirection="column" width={width} borderStyle="round" borderColor="cyan" paddingX={1}>
			<Text wrap="truncate">
				<Text bold>{label}: </Text>
				{masked ? '•'.repeat(value.length) : value}
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
