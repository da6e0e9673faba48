// The settings screen (behind the admin password): readable labels in sections, the selected
// field editable, a scroll position, and a question before unsaved edits are dropped.
import {Box, Text} from 'ink';
import type {SettingsField} from '../desk.js';
import {en, type MessageKey} from '../i18n/en.js';
import type {Translate} from '../i18n/index.js';
import {visibleTail} from './prompt.js';

const sectionOf = (path: string) => {
	const head = path.split('.')[0]!;
	return ['pops', 'pbx', 'agent', 'server'].includes(head) ? head : 'general';
};

const secretFields = new Set(['pbx.asterisk.secret']);

export function fieldLabel(path: string, t: Translate): string {
	const key = `field.${path}`;
	return key in en ? t(key as MessageKey) : path;
}

type Row = {kind: 'section'; name: string} | {kind: 'field'; field: SettingsField; index: number};

export function SettingsScreen({
	fields,
	selected,
	editing,
	message,
	dirty = false,
	confirmDiscard = false,
	t,
	width,
	height,
}: {
	fields: readonly SettingsField[];
	selected: number;
	editing: string | null;
	message: string | null;
	dirty?: boolean;
	confirmDiscard?: boolean;
	t: Translate;
	width: number;
	height: number;
}) {
	const rows: Row[] = [];
	fields.forEach((field, index) => {
		const section = sectionOf(field.path);
		if (index === 0 || sectionOf(fields[index - 1]!.path) !== section) rows.push({kind: 'section', name: section});
		rows.push({kind: 'field', field, index});
	});
	// Title + hint take two rows, the border two more.
	const room = Math.max(1, height - 4);
	const selectedRow = rows.findIndex((row) => row.kind === 'field' && row.index === selected);
	const start = Math.max(0, Math.min(selectedRow - Math.floor(room / 2), rows.length - room));
	const shown = rows.slice(start, start + room);
	const inner = Math.max(10, width - 4);
	const labelWidth = Math.min(30, Math.floor(inner / 2));
	const position = `${start > 0 ? '↑' : ' '}${start + room < rows.length ? '↓' : ' '} ${selected + 1}/${fields.length}`;
	const footer = confirmDiscard
		? {text: t('settings.discard'), color: 'yellow'}
		: message
			? {text: message, color: 'yellow'}
			: {text: t('settings.hint'), color: undefined};
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan" paddingX={1}>
			<Box width={inner} justifyContent="space-between">
				<Text bold wrap="truncate">
					{t('settings.title')}
					{dirty ? ` · ${t('settings.unsaved')}` : ''}
				</Text>
				<Text dimColor>{position}</Text>
			</Box>
			{shown.map((row) =>
				row.kind === 'section' ? (
					<Text key={`section-${row.name}`} color="cyan" bold wrap="truncate">
						{t(`section.${row.name}` as MessageKey)}
					</Text>
				) : (
					<FieldRow
						key={row.field.path}
						field={row.field}
						active={row.index === selected}
						editing={row.index === selected ? editing : null}
						labelWidth={labelWidth}
						valueWidth={inner - labelWidth - 1}
						t={t}
					/>
				),
			)}
			<Box flexGrow={1} />
			<Text color={footer.color} dimColor={!footer.color} wrap="truncate">
				{footer.text}
			</Text>
		</Box>
	);
}

function FieldRow({
	field,
	active,
	editing,
	labelWidth,
	valueWidth,
	t,
}: {
	field: SettingsField;
	active: boolean;
	editing: string | null;
	labelWidth: number;
	valueWidth: number;
	t: Translate;
}) {
	const secret = secretFields.has(field.path);
	const value =
		editing !== null
			? `${visibleTail(secret ? '•'.repeat(editing.length) : editing, Math.max(1, valueWidth - 2))}▏`
			: secret && field.value
				? '••••••'
				: field.value || '—';
	return (
		<Box>
			<Box width={labelWidth} flexShrink={0}>
				<Text inverse={active} wrap="truncate">
					{active ? '›' : ' '} {fieldLabel(field.path, t)}
				</Text>
			</Box>
			<Text wrap="truncate" color={editing !== null ? 'cyan' : undefined}>
				{' '}
				{value}
				{field.choices && active && editing === null ? <Text dimColor> ({field.choices.join(' | ')})</Text> : null}
			</Text>
		</Box>
	);
}
