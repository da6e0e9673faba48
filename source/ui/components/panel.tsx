// A bordered panel with its title in the top border (lazygit, k9s): the screen reads as parts,
// not as printed text. Children get the inner size: width − 2 columns, height − 2 rows.
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {displayWidth, truncateToWidth} from '../text-width.js';

export interface PanelProps {
	title: string;
	width: number;
	height: number;
	/** The focused panel's border is drawn in colour, the others dim. */
	focused?: boolean;
	children: ReactNode;
}

export function panelInner(width: number, height: number) {
	return {width: Math.max(1, width - 2), height: Math.max(1, height - 2)};
}

export function Panel({title, width, height, focused = false, children}: PanelProps) {
	const label = truncateToWidth(` ${title} `, Math.max(0, width - 4));
	const rule = '─'.repeat(Math.max(0, width - 3 - displayWidth(label)));
	const color = focused ? 'cyan' : undefined;
	return (
		<Box flexDirection="column" width={width} height={height} flexShrink={0}>
			<Text color={color} dimColor={!focused} wrap="truncate">
				╭─<Text bold dimColor={false}>{label}</Text>
				{rule}╮
			</Text>
			<Box
				borderStyle="round"
				borderTop={false}
				borderColor={color}
				borderDimColor={!focused}
				width={width}
				height={height - 1}
				flexDirection="column"
				overflow="hidden"
			>
				{children}
			</Box>
		</Box>
	);
}
