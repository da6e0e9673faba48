// One key → the next screen state and what to do: the only entry point the key hook calls.
// Ctrl+C always leaves; an open first-contact request from a CRM takes a/o/d (only then, so
// those keys never clash with the toolbar); then an open overlay; then the screen itself.
import type {Key} from 'ink';
import {reduceOverlayKey} from './overlay-keys.js';
import {reduceScreenKey} from './screen-keys.js';
import type {KeyContext, Reduced, UiState} from './ui-state.js';
import type {OriginAnswer} from './desk.js';

const originKeys: Record<string, OriginAnswer> = {a: 'always', o: 'once', d: 'deny'};

export function reduceKey(state: UiState, input: string, key: Key, context: KeyContext): Reduced {
	if (key.ctrl && input === 'c') {
		const choice = context.mode === 'attached' ? 'detach' : context.settings.logoutOnExit ? 'stop-logout' : 'stop';
		return {state, effects: [{type: 'exit', choice}]};
	}
	const textOverlay = state.overlay !== null && 'value' in state.overlay;
	if (context.originRequestId !== null && !textOverlay && !key.ctrl && !key.meta) {
		const answer = originKeys[input];
		if (answer) return {state, effects: [{type: 'answer-origin', id: context.originRequestId, answer}]};
	}
	if (state.overlay) return reduceOverlayKey(state, state.overlay, input, key, context);
	return reduceScreenKey(state, input, key, context);
}
