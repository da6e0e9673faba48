// What the TUI needs from the running instance: the contract shared by the in-process desk
// (desk.ts, app.ts), the local API (server/) and an attached TUI (attach/, over the local API).
// Types only, so every side can depend on it without depending on each other.
import type {Language} from '../config/schema.js';
import type {Capabilities} from '../cti/driver.js';
import type {ActivityEntry} from '../session/activity-log.js';
import type {Command, Result, SessionState} from './types.js';

export interface ExternalSource<T> {
	getSnapshot(): T;
	subscribe(listener: () => void): () => void;
}

export interface PopEntryView {
	id: number;
	kind: string;
	callId: string | null;
	/** With the sid masked. */
	url: string;
	mode: string;
	outcome: string;
	/** Driver event → hand-off to the browser or the outbox. */
	latencyMs: number;
	/** Driver event → 2xx from the CRM (hidden pops). */
	deliveredMs?: number | null;
	at: number;
}

export interface PopsView {
	/** The latest pops, newest first. */
	recent: readonly PopEntryView[];
	/** Pops that could not open a browser (SSH): shown as clickable links. */
	fallbackLinks: ReadonlyArray<{kind: string; url: string}>;
	/** Hidden pops waiting in the outbox for the CRM. */
	pendingHidden: number;
	/** Which browser mode is active and why (issue 15): managed, system or remote. */
	browser?: {mode: string; why: string; running: boolean};
}

export interface ServerView {
	on: boolean;
	port: number | null;
	/** Why the local API is off, and how to fix it. */
	message: string | null;
}

export interface DeskSettings {
	language: Language;
	agentUser: string;
	reasons: readonly string[];
	/** Wrap-up codes offered after a call. */
	dispositions: readonly string[];
	links: ReadonlyArray<{name: string; url: string}>;
	keys: Record<string, string>;
	/** Ask before quitting while logged in, and log out on quit. */
	logoutOnExit: boolean;
	/** What a ring does in the terminal (absent: all on). */
	ring?: {bell: boolean; notify: boolean; title: boolean};
	/** Labels of reasons and wrap-up codes per language (config `labels`). */
	labels?: Partial<Record<Language, Record<string, string>>>;
	/** The config file in use, shown on the first screen. */
	configFile?: string;
}

export interface Desk {
	session: ExternalSource<SessionState> & {run(command: Command): Promise<Result>};
	capabilities: Capabilities;
	activity: ExternalSource<readonly ActivityEntry[]>;
	pops: ExternalSource<PopsView>;
	server: ExternalSource<ServerView>;
	/** The settings at start. */
	settings: DeskSettings;
	/**
	 * The settings as they are now: saving the settings screen applies at once (issue 13 item 5).
	 * Absent (an older instance): `settings` never changes.
	 */
	liveSettings?: ExternalSource<DeskSettings>;
	/**
	 * First contact from a CRM origin not allowed yet (issue 13 item 6): at most one request is
	 * open at a time; null when none. The TUI asks the agent and answers it.
	 */
	originRequests?: ExternalSource<OriginRequest | null> & {
		answer(id: string, answer: OriginAnswer): void;
	};
	/** Opens a preset CRM link in the browser (or shows it when no browser can open). */
	openLink(url: string): Promise<void>;
	/** The settings screen; null when the desk cannot edit settings (e.g. attached read-only). */
	admin: AdminSettings | null;
	/** Time source for durations (the injected clock). */
	now(): number;
	/** Edits a note in $VISUAL/$EDITOR; null when no editor is set or it failed. */
	editText?(initial: string): Promise<string | null>;
	/** Re-opens the newest browser pop (a deliberate user action, not a second pop). */
	reopenLastPop?(): Promise<void>;
	/** 'attached': a TUI client of a running instance (ctidesk attach), which may detach. */
	mode: 'local' | 'attached';
}

/** A CRM page on `origin` wants to run `verb` (call.cgi, transfer.cgi …) on this desk. */
export interface OriginRequest {
	id: string;
	origin: string;
	verb: string;
	askedAt: number;
	/** Unanswered at this time (epoch ms), the page gets a clear refusal. */
	expiresAt: number;
}

/** always: add the origin to server.allowedOrigins; once: this request only; deny: until restart. */
export type OriginAnswer = 'always' | 'once' | 'deny';

export interface SettingsField {
	path: string;
	value: string;
	/** Allowed values for a field that cycles (pop modes, driver, language). */
	choices?: readonly string[];
}

export interface AdminSettings {
	hasPassword(): boolean;
	setPassword(plain: string): Result;
	verifyPassword(plain: string): boolean;
	fields(): SettingsField[];
	/**
	 * Validates, saves atomically and applies at once. `needsReconnect`: a PBX or port setting
	 * changed, which takes effect only after `reconnect()` (the TUI asks "reconnect now?").
	 */
	save(
		values: Record<string, string>,
	): {ok: true; file: string; needsReconnect: boolean} | {ok: false; message: string};
	/** Reconnects the PBX link and rebinds the local API with the saved settings. */
	reconnect?(): Promise<Result>;
}
