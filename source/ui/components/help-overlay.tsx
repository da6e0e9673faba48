// The help overlay: the keys (the same keymap table as the toolbar and the key handler) and the
// `:` commands (the same verb table as the command line).
import {Box, Text} from 'ink';
import {usageLines} from '../command-line.js';
import type {Translate} from '../i18n/index.js';
import {keyLabel, type KeyBinding} from '../keymap.js';

export function HelpOverlay({
	bindings,
	t,
	width,
	height,
}: {
	bindings: readonly KeyBinding[];
	t: Translate;
	width: number;
	height?: number;
}) {
	// As many columns as fit: the whole help stays on one 80x24 screen.
	const columns = Math.max(2, Math.min(5, Math.floor((width - 4) / 19)));
	const columnWidth = Math.floor((width - 4) / columns);
	return (
		<Box
			flexDirection="column"
			width={width}
			height={height}
			borderStyle="round"
			borderColor="cyan"
			paddingX={1}
			overflow="hidden"
		>
			<Text wrap="truncate">
				<Text bold>{t('help.title')}</Text> <Text dimColor>· {t('help.close')}</Text>
			</Text>
			<Box flexWrap="wrap">
				{bindings.map((binding) => (
					<Box key={binding.action} width={columnWidth}>
						<Box width={6} flexShrink={0}>
							<Text color="cyan">{keyLabel(binding.key)}</Text>
						</Box>
						<Text wrap="truncate">{t(binding.label)}</Text>
					</Box>
				))}
			</Box>
			<Text bold>{t('help.commands')}</Text>
			<Text color="cyan" wrap="wrap">
				{usageLines().join('  ')}
			</Text>
			<Text dimColor wrap="truncate">
				{t('help.tabs')}
			</Text>
		</Box>
	);
}
