// The tab names in one row; the selected one stands out (reverse video, which reads on dark and
// light terminals and with NO_COLOR).
import {Box, Text} from 'ink';
import type {Translate} from '../i18n/index.js';
import {tabNames, type TabName} from '../ui-state.js';

export function TabRow({
	tab,
	queueLength,
	t,
	width,
	/** Tabs shown together with the selected one (call and queue side by side). */
	together = [],
}: {
	tab: TabName;
	queueLength: number;
	t: Translate;
	width: number;
	together?: readonly TabName[];
}) {
	return (
		<Box width={width} height={1} overflow="hidden" flexShrink={0}>
			<Text wrap="truncate">
				{tabNames.map((name) => {
					const title = t(`tab.${name}`) + (name === 'queue' && queueLength > 0 ? ` (${queueLength})` : '');
					const selected = name === tab;
					const shown = selected || together.includes(name);
					return (
						<Text key={name}>
							<Text inverse={selected} bold={shown} dimColor={!shown}>
								{` ${title} `}
							</Text>{' '}
						</Text>
					);
				})}
				<Text dimColor>{t('tab.hint')}</Text>
			</Text>
		</Box>
	);
}
