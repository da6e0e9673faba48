// The settings screen (behind the admin password): one field per row, the selected one editable.
import {Box, Text} from 'ink';
import type {SettingsField} from '../desk.js';
import type {Translate} from '../i18n/index.js';

export function SettingsScreen({
	fields,
	selected,
	editing,
	message,
	t,
	width,
	height,
}: {
	fields: readonly SettingsField[];
	selected: number;
	editing: string | null;
	message: string | null;
	t: Translate;
	width: number;
	height: number;
}) {
	const room = Math.max(1, height - 4);
	const start = Math.max(0, Math.min(selected - Math.floor(room / 2), fields.length - room));
	const labelWidth = Math.min(24, Math.floor(width / 3));
	return (
		<Box
			flexDirection="column"
			width={width}
			height={height}
			borderStyle="round"
			borderColor="cyan"
			paddingX={1}
		>
			<Text bold>{t('settings.title')}</Text>
			{fields.slice(start, start + room).map((field, index) => {
				const active = start + index === selected;
				return (
					<Box key={field.path}>
						<Box width={labelWidth} flexShrink={0}>
							<Text inverse={active} wrap="truncate">
								{field.path}
							</Text>
						</Box>
						<Text wrap="truncate" color={active && editing !== null ? 'cyan' : undefined}>
							{' '}
							{active && editing !== null ? `${editing}▏` : field.value || '—'}
							{field.choices && active ? (
								<Text dimColor> ({field.choices.join(' | ')})</Text>
							) : null}
						</Text>
					</Box>
				);
			})}
			<Text color={message ? 'yellow' : undefined} dimColor={!message} wrap="truncate">
				{message ?? t('settings.hint')}
			</Text>
		</Box>
	);
}
