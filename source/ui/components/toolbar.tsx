// The toolbar: every action with its key; disabled ones dimmed, impossible ones hidden.
import {Box, Text} from 'ink';
import type {Translate} from '../i18n/index.js';
import {keyLabel, type KeyBinding, type UiAction} from '../keymap.js';
import {displayWidth} from '../text-width.js';

export interface ToolbarItem {
	binding: KeyBinding;
	enabled: boolean;
	/** Label override (hold ↔ resume, transfer → complete). */
	label?: string;
}

export function Toolbar({items, t, width}: {items: ToolbarItem[]; t: Translate; width: number}) {
	return (
		<Box width={width} flexWrap="wrap" columnGap={1}>
			{items.map(({binding, enabled, label}) => (
				<Text key={binding.action} dimColor={!enabled} wrap="truncate">
					<Text bold={enabled} color={enabled ? 'cyan' : undefined}>
						[{keyLabel(binding.key)}]
					</Text>
					{label ?? t(binding.label)}
				</Text>
			))}
		</Box>
	);
}

export type ActionAvailability = Partial<
	Record<UiAction, {enabled: boolean; hidden?: boolean; label?: string}>
>;

/** Rows the toolbar takes at `width` (its items wrap). */
export function toolbarRows(items: readonly ToolbarItem[], t: Translate, width: number): number {
	let rows = 1;
	let used = 0;
	for (const item of items) {
		const itemWidth = displayWidth(`[${keyLabel(item.binding.key)}]${item.label ?? t(item.binding.label)}`);
		const needed = used === 0 ? itemWidth : used + 1 + itemWidth;
		if (needed > width && used > 0) {
			rows += 1;
			used = itemWidth;
		} else used = needed;
	}
	return rows;
}
