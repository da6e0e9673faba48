// The one useInput of the app (house rule 5): each key goes through the pure reduceKey with the
// latest state (several keys can arrive in one chunk: house rule 13), then the effects it asked
// for run here — commands to the session, exits, the settings backend.
import {useInput} from 'ink';
import {useCallback, useEffect, useRef, useState} from 'react';
import type {Command, Result} from '../../core/types.js';
import {successMessage} from '../command-feedback.js';
import type {Desk, DeskSettings} from '../desk.js';
import type {MessageKey, Translate} from '../i18n/index.js';
import {translateRefusal} from '../i18n/refusals.js';
import type {KeyBinding} from '../keymap.js';
import {splitKeys} from '../overlay.js';
import {reduceKey} from '../reduce-key.js';
import {
	initialUiState,
	settingsOverlay,
	type Effect,
	type ExitChoice,
	type KeyContext,
	type UiState,
} from '../ui-state.js';

export interface KeymapOptions {
	desk: Desk;
	settings: DeskSettings;
	bindings: readonly KeyBinding[];
	t: Translate;
	label: (id: string) => string;
	originRequestId: string | null;
	push(text: string, level: 'info' | 'warn' | 'error'): void;
	onExit(choice: ExitChoice): void;
	onRedraw(): void;
}

export function useKeymap(options: KeymapOptions): UiState {
	const [ui, setUiState] = useState<UiState>(initialUiState);
	const uiRef = useRef<UiState>(initialUiState);
	const setUi = useCallback((next: UiState) => {
		uiRef.current = next;
		setUiState(next);
	}, []);
	const {desk, settings, bindings, t, label, originRequestId, push, onExit, onRedraw} = options;

	const run = useCallback(
		(command: Command) => {
			// During a consult, hang up ends only the consult leg (issue 13): say that, not "Hung up".
			const endsConsult = command.type === 'hangup' && !!desk.session.getSnapshot().call?.consult;
			void desk.session.run(command).then((result: Result) => {
				if (!result.ok) push(translateRefusal(result.message, settings.language), 'error');
				else {
					const text = successMessage(endsConsult ? {type: 'cancel-transfer'} : command, t, label);
					if (text) push(text, 'info');
				}
			});
		},
		[desk.session, settings.language, t, label, push],
	);

	const setOverlay = useCallback(
		(overlay: UiState['overlay']) => setUi({...uiRef.current, overlay}),
		[setUi],
	);

	const perform = useCallback(
		(effect: Effect) => {
			const admin = desk.admin;
			switch (effect.type) {
				case 'run':
					run(effect.command);
					return;
				case 'exit':
					onExit(effect.choice);
					return;
				case 'open-link':
					void desk.openLink(effect.url);
					return;
				case 'reopen-pop':
					void desk.reopenLastPop?.();
					return;
				case 'redraw':
					onRedraw();
					return;
				case 'notice':
					push(t(effect.key), effect.level);
					return;
				case 'verify-admin':
					if (admin?.verifyPassword(effect.password)) setOverlay(settingsOverlay(admin.fields()));
					else setOverlay({kind: 'admin-password', value: '', error: 'settings.wrongPassword'});
					return;
				case 'set-admin': {
					if (!admin) return;
					const result = admin.setPassword(effect.password);
					if (result.ok) setOverlay(settingsOverlay(admin.fields()));
					else setOverlay({kind: 'admin-new', value: '', first: null, error: result.message});
					return;
				}
				case 'save-settings': {
					const current = uiRef.current.overlay;
					if (!admin || current?.kind !== 'settings') return;
					const result = admin.save(effect.values);
					if (!result.ok) {
						setOverlay({...current, message: result.message});
						return;
					}
					const saved = t(
						result.needsReconnect && !admin.reconnect ? 'settings.savedRestart' : 'settings.saved',
						{
							file: result.file,
						},
					);
					push(saved, 'info');
					// A PBX or port change takes a reconnect: ask now rather than at the next start.
					if (result.needsReconnect && admin.reconnect)
						setOverlay({kind: 'reconnect', file: result.file});
					else setOverlay({...current, dirty: false, message: saved});
					return;
				}
				case 'reconnect':
					void admin
						?.reconnect?.()
						.then((result) =>
							push(
								result.ok ? t('settings.reconnected') : result.message,
								result.ok ? 'info' : 'error',
							),
						);
					return;
				case 'edit-note':
					void desk.editText?.(effect.value).then((text) => {
						const current = uiRef.current.overlay;
						if (text !== null && current?.kind === 'code')
							setOverlay({...current, value: text.replace(/\s+/g, ' ').trim().slice(0, 500)});
					});
					return;
				case 'answer-origin':
					desk.originRequests?.answer(effect.id, effect.answer);
					push(
						t(`origin.answered.${effect.answer}` as MessageKey),
						effect.answer === 'deny' ? 'warn' : 'info',
					);
					return;
			}
		},
		[desk, run, onExit, onRedraw, push, t, setOverlay],
	);

	// The code editor opened from wrap-up closes when the wrap-up ends (timer, r, ready.cgi),
	// and any code editor closes when a new call comes: the toolbar keys are the agent's again.
	useEffect(
		() =>
			desk.session.subscribe(() => {
				const overlay = uiRef.current.overlay;
				if (overlay?.kind !== 'code') return;
				const snapshot = desk.session.getSnapshot();
				const wrapUpOver = overlay.fromWrapUp && snapshot.agent.state !== 'wrap-up';
				if (wrapUpOver || snapshot.call !== null) setOverlay(null);
			}),
		[desk.session, setOverlay],
	);

	useInput((input, key) => {
		const context: KeyContext = {
			session: desk.session.getSnapshot(),
			capabilities: desk.capabilities,
			bindings,
			settings,
			mode: desk.mode,
			admin: desk.admin ? {hasPassword: desk.admin.hasPassword()} : null,
			originRequestId,
		};
		for (const [character, characterKey] of splitKeys(input, key)) {
			const {state, effects} = reduceKey(uiRef.current, character, characterKey, context);
			if (state !== uiRef.current) setUi(state);
			for (const effect of effects) perform(effect);
		}
	});
	return ui;
}
