// The help overlay: the same keymap table as the toolbar and the key handler.
import {Box, Text} from 'ink';
import type {Translate} from '../i18n/index.js';
import {keyLabel, type KeyBinding} from '../keymap.js';

export function HelpOverlay({
	bindings,
	t,
	width,
}: {
	bindings: readonly KeyBinding[];
	t: Translate;
	width: number;
}) {
	const columnWidth = Math.max(20, Math.floor((width - 4) / 2));
	return (
		<Box flexDirection="column" width={width} borderStyle="round" borderColor="cyan" paddingX={1}>
			<Text bold>{t('help.title')}</Text>
			<Box flexWrap="wrap">
				{bindings.map((binding) => (
					<Box key={binding.action} width={columnWidth}>
						<Box width={8} flexShrink={0}>
							<Text color="cyan">{keyLabel(binding.key)}</Text>
						</Box>
						<Text wrap="truncate">{t(binding.label)}</Text>
					</Box>
				))}
			</Box>
			<Text wrap="truncate">{t('help.tabs')}</Text>
			<Text dimColor wrap="truncate">
				{t('help.close')}
			</Text>
		</Box>
	);
}
