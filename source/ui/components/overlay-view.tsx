// What an open overlay looks like: one prompt, picker or screen per overlay kind.
import {Box, Text} from 'ink';
import {usageLines} from '../command-line.js';
import type {DeskSettings} from '../desk.js';
import {en, type MessageKey} from '../i18n/en.js';
import type {Translate} from '../i18n/index.js';
import type {KeyBinding} from '../keymap.js';
import type {Overlay} from '../overlay.js';
import {CodeEditor} from './code-editor.js';
import {HelpOverlay} from './help-overlay.js';
import {Picker} from './picker.js';
import {Prompt} from './prompt.js';
import {SettingsScreen} from './settings-screen.js';

/** Overlay errors are message keys (fixed sentences) or a message as it came. */
function say(t: Translate, text: string | null): string | null {
	return text !== null && text in en ? t(text as MessageKey) : text;
}

export interface OverlayViewProps {
	overlay: Overlay;
	settings: DeskSettings;
	bindings: readonly KeyBinding[];
	label: (id: string) => string;
	t: Translate;
	width: number;
	height: number;
}

export function OverlayView({overlay, settings, bindings, label, t, width, height}: OverlayViewProps) {
	const hint = t('prompt.enterEsc');
	switch (overlay.kind) {
		case 'login':
			return (
				<Prompt
					label={t('prompt.password', {user: settings.agentUser})}
					value={overlay.value}
					hint={hint}
					masked
					error={say(t, overlay.error)}
					width={width}
				/>
			);
		case 'dial':
		case 'transfer-target':
			return (
				<Prompt
					label={t(overlay.kind === 'dial' ? 'prompt.dial' : 'prompt.transfer')}
					value={overlay.value}
					hint={hint}
					error={say(t, overlay.error)}
					width={width}
				/>
			);
		case 'transfer-mode':
			return (
				<Picker
					title={`${t('prompt.transfer')} ${overlay.target}`}
					options={[t('transfer.blind'), t('transfer.consult')]}
					selected={overlay.selected}
					hint={t('prompt.transferMode')}
					width={width}
				/>
			);
		case 'consult-action':
			return (
				<Picker
					title={t('label.consult')}
					options={[t('consult.complete'), t('consult.back')]}
					selected={overlay.selected}
					hint={t('consult.hint')}
					width={width}
				/>
			);
		case 'away':
			return (
				<Picker
					title={t('prompt.reason')}
					options={settings.reasons.map(label)}
					selected={overlay.selected}
					hint={hint}
					width={width}
				/>
			);
		case 'help':
			return <HelpOverlay bindings={bindings} t={t} width={width} height={height} />;
		case 'command':
			return (
				<Box flexDirection="column" width={width}>
					<Prompt
						label={t('prompt.command')}
						value={`:${overlay.value}`}
						hint={t('prompt.commandHint')}
						error={overlay.error}
						width={width}
					/>
					{overlay.completions && (
						<Text dimColor wrap="truncate">
							{overlay.completions
								.map((completion, index) =>
									index === overlay.completionIndex ? `[${completion.trim()}]` : completion.trim(),
								)
								.join('  ')}
						</Text>
					)}
					{overlay.error && (
						<Text dimColor wrap="wrap">
							{usageLines().join(' · ')}
						</Text>
					)}
				</Box>
			);
		case 'code':
			return (
				<CodeEditor
					number={overlay.number}
					callId={overlay.callId}
					codes={settings.dispositions}
					selected={overlay.selected}
					note={overlay.value}
					error={say(t, overlay.error)}
					label={label}
					t={t}
					width={width}
				/>
			);
		case 'quit':
		case 'quit-attached':
		case 'reconnect':
			return (
				<Box borderStyle="round" borderColor="yellow" paddingX={1} width={width}>
					<Text wrap="wrap">
						{overlay.kind === 'reconnect'
							? t('settings.reconnectAsk', {file: overlay.file})
							: overlay.kind === 'quit-attached'
								? t('prompt.quitAttached')
								: t(overlay.callUp ? 'prompt.quitWithCall' : 'prompt.quitConfirm')}
					</Text>
				</Box>
			);
		case 'admin-password':
			return (
				<Prompt
					label={t('prompt.adminPassword')}
					value={overlay.value}
					hint={hint}
					masked
					error={say(t, overlay.error)}
					width={width}
				/>
			);
		case 'admin-new':
			return (
				<Prompt
					label={overlay.first === null ? t('prompt.newAdminPassword') : t('prompt.confirmAdminPassword')}
					value={overlay.value}
					hint={hint}
					masked
					error={say(t, overlay.error)}
					width={width}
				/>
			);
		case 'settings':
			return (
				<SettingsScreen
					fields={overlay.fields}
					selected={overlay.selected}
					editing={overlay.editing}
					message={overlay.message}
					dirty={overlay.dirty}
					confirmDiscard={overlay.confirmDiscard}
					t={t}
					width={width}
					height={height}
				/>
			);
	}
}
