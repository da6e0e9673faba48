// The preset CRM links (the original's main-window tabs): ↑/↓ to choose, Enter opens in the browser.
import {Box, Text} from 'ink';
import type {Translate} from '../i18n/index.js';

export function LinksList({
	links,
	selected,
	t,
	width,
	height,
}: {
	links: ReadonlyArray<{name: string; url: string}>;
	selected: number;
	t: Translate;
	width: number;
	height: number;
}) {
	if (links.length === 0) {
		return (
			<Box width={width} height={height}>
				<Text dimColor wrap="wrap">
					{t('label.linksEmpty')}
				</Text>
			</Box>
		);
	}
	const start = Math.max(0, Math.min(selected - height + 1, links.length - height));
	return (
		<Box flexDirection="column" width={width} height={height}>
			{links.slice(start, start + height).map((link, index) => {
				const active = start + index === selected;
				return (
					<Text key={link.name + link.url} inverse={active} wrap="truncate">
						{active ? '›' : ' '} {link.name} <Text dimColor={!active}>{link.url}</Text>
					</Text>
				);
			})}
		</Box>
	);
}
