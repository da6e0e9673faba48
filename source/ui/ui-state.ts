// What the screen remembers between keys (overlay, tab, list selections, : history) and the
// effects a key asks for. The reducers (screen-keys.ts, overlay-keys.ts) are pure: the key hook
// applies each key of a chunk in turn to the latest state (house rule 13), then runs the effects.
import type {Capabilities} from '../cti/driver.js';
import type {Command, SessionState} from '../core/types.js';
import type {DeskSettings, OriginAnswer, SettingsField} from './desk.js';
import type {MessageKey} from './i18n/index.js';
import type {KeyBinding} from './keymap.js';
import type {Overlay} from './overlay.js';

export const tabNames = ['call', 'queue', 'history', 'pops', 'links', 'events'] as const;
export type TabName = (typeof tabNames)[number];

export type ExitChoice = 'detach' | 'stop' | 'stop-logout';

export interface UiState {
	overlay: Overlay | null;
	tab: TabName;
	queueOffset: number;
	linkIndex: number;
	/** The selected History row (index into recentCalls). */
	historyIndex: number;
	/** Lines run from the : prompt, oldest first (↑ recalls). */
	commandHistory: readonly string[];
}

export const initialUiState: UiState = {
	overlay: null,
	tab: 'call',
	queueOffset: 0,
	linkIndex: 0,
	historyIndex: 0,
	commandHistory: [],
};

export type Effect =
	| {type: 'run'; command: Command}
	| {type: 'exit'; choice: ExitChoice}
	| {type: 'open-link'; url: string}
	| {type: 'reopen-pop'}
	| {type: 'redraw'}
	/** A fixed sentence for the status line. */
	| {type: 'notice'; key: MessageKey; level: 'info' | 'warn' | 'error'}
	/** Admin password typed: the hook checks it and opens the settings or shows the error. */
	| {type: 'verify-admin'; password: string}
	| {type: 'set-admin'; password: string}
	| {type: 'save-settings'; values: Record<string, string>}
	| {type: 'reconnect'}
	| {type: 'edit-note'; value: string}
	| {type: 'answer-origin'; id: string; answer: OriginAnswer};

export interface KeyContext {
	session: SessionState;
	capabilities: Capabilities;
	bindings: readonly KeyBinding[];
	settings: DeskSettings;
	mode: 'local' | 'attached';
	/** Null: this desk cannot edit settings (attached read-only). */
	admin: {hasPassword: boolean} | null;
	/** The open first-contact request from a CRM origin, if any. */
	originRequestId: string | null;
}

export interface Reduced {
	state: UiState;
	effects: Effect[];
}

export const settingsOverlay = (fields: SettingsField[]): Overlay => ({
	kind: 'settings',
	fields,
	selected: 0,
	editing: null,
	message: null,
	dirty: false,
	confirmDiscard: false,
});
