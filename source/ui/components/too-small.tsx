// Below 60x20 the panels cannot be drawn without overlapping: say so plainly instead.
import {Box, Text} from 'ink';
import type {Translate} from '../i18n/index.js';
import {minColumns, minRows} from '../layout.js';

export function TooSmall({columns, rows, t}: {columns: number; rows: number; t: Translate}) {
	return (
		<Box flexDirection="column" width={Math.max(1, columns)}>
			<Text color="yellow" wrap="wrap">
				{t('screen.tooSmall', {need: `${minColumns}x${minRows}`})}
			</Text>
			<Text dimColor wrap="wrap">
				{t('screen.now', {size: `${columns}x${rows}`})}
			</Text>
		</Box>
	);
}
