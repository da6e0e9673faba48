// Hands a pop to wherever its mode sends it: the browser (the managed browser or the opener
// over SSH, per the browser section; else open, a configured command, or $BROWSER), the
// durable outbox (hidden), or nowhere (off). Where no browser can open (no
// display, --no-browser, or the launch fails) the pop is never dropped silently: it goes to
// `onFallback`, which the TUI shows as a clickable OSC 8 link (and copies with OSC 52).
import {spawn as nodeSpawn} from 'node:child_process';
import openDefault from 'open';
import {browserCommandArgv, browserEnvCommands} from './browser-command.js';
import type {PopKind, PopMode} from '../config/schema.js';
import {osc52} from './terminal-link.js';

export type {PopKind, PopMode};
/** What became of a pop: opened in a browser, queued in the outbox, shown as a link, failed, or off. */
export type LaunchOutcome = 'opened' | 'queued' | 'shown' | 'failed' | 'off';
export type FallbackReason = 'no-browser' | 'no-display' | 'open-failed';

export interface LaunchResult {
	outcome: LaunchOutcome;
	/** Why it failed or fell back, when it did. */
	detail: string | null;
}

export interface LaunchRequest {
	/** Identifies the pop to onFallback when a launch fails after it was reported opened. */
	id: number;
	kind: PopKind;
	url: string;
	mode: PopMode;
	/** Orders hidden deliveries per call; null for the home URL. */
	callId: string | null;
}

export interface Fallback {
	id: number;
	kind: PopKind;
	url: string;
	reason: FallbackReason;
	/** Why the launch failed, when it did. */
	detail: string | null;
	/** The OSC 52 sequence that copies the URL, when the clipboard setting is on (the TUI writes it). */
	clipboard: string | null;
	/** The launch had been reported 'opened' (the browser command exited with an error later). */
	late: boolean;
}

/** The part of the outbox the launcher uses. */
export interface HiddenQueue {
	enqueue(item: {kind: PopKind; url: string; callId: string | null}): Promise<unknown>;
}

/** The part of a child process the launcher needs (node's ChildProcess satisfies it). */
export interface SpawnedProcess {
	once(event: 'spawn', listener: () => void): unknown;
	once(event: 'error', listener: (error: Error) => void): unknown;
	once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
	unref(): void;
}

export type SpawnFunction = (command: string, args: string[]) => SpawnedProcess;
export type OpenUrlFunction = (url: string) => Promise<unknown>;

/**
 * The browser section's routing (source/browser/browser-service.ts), read at every pop: managed
 * and remote modes open visible pops themselves; system mode runs `command` like browserCommand.
 */
export interface BrowserRouting {
	plan(): {mode: 'managed' | 'system' | 'remote'; command: string; linksOnly: boolean; why: string};
	openVisible(request: {kind: PopKind; url: string}): Promise<{ok: true} | {ok: false; detail: string}>;
}

export interface LauncherOptions {
	/** Without `browser`: '' for the default browser; otherwise a command template with {url}. */
	browserCommand: string;
	/** --no-browser: always show the link instead. */
	noBrowser: boolean;
	/** Offer an OSC 52 clipboard copy with each fallback. */
	clipboard: boolean;
	outbox: HiddenQueue;
	/** Also reachable through launcher.onFallback(listener). */
	onFallback?: (fallback: Fallback) => void;
	env?: NodeJS.ProcessEnv;
	platform?: NodeJS.Platform;
	openUrl?: OpenUrlFunction;
	spawn?: SpawnFunction;
	/** The browser section (issue 15); without it the launcher works as before (system mode). */
	browser?: BrowserRouting;
}

export interface Launcher {
	launch(request: LaunchRequest): Promise<LaunchResult>;
	/** Pops shown as links instead (at once, or later when a browser command exits with an error). */
	onFallback(listener: (fallback: Fallback) => void): () => void;
}

const defaultSpawn: SpawnFunction = (command, args) =>
	// Detached with no stdio: a browser must neither write over the TUI nor die with ctidesk.
	nodeSpawn(command, args, {stdio: 'ignore', detached: true, shell: false});

/** True where a GUI browser cannot open: Linux/BSD with neither X11 nor Wayland (typically SSH). WSL opens Windows' browser. */
export function lacksDisplay(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
	if (platform === 'darwin' || platform === 'win32') return false;
	if (env.WSL_DISTRO_NAME || env.WSL_INTEROP) return false;
	return !env.DISPLAY && !env.WAYLAND_DISPLAY;
}

export function createLauncher(options: LauncherOptions): Launcher {
	const env = options.env ?? process.env;
	const platform = options.platform ?? process.platform;
	const openUrl = options.openUrl ?? ((url: string) => openDefault(url));
	const spawn = options.spawn ?? defaultSpawn;
	const fallbackListeners = new Set<(fallback: Fallback) => void>();
	if (options.onFallback) fallbackListeners.add(options.onFallback);

	function fallback(request: LaunchRequest, reason: FallbackReason, detail: string | null, late = false): LaunchResult {
		const entry: Fallback = {
			id: request.id,
			kind: request.kind,
			url: request.url,
			reason,
			detail,
			clipboard: options.clipboard ? osc52(request.url) : null,
			late,
		};
		for (const listener of fallbackListeners) listener(entry);
		return {outcome: 'shown', detail: detail ?? reason};
	}

	const opened: LaunchResult = {outcome: 'opened', detail: null};

	/** Resolves once the process started (watching for a failing exit afterwards) or failed to start. */
	function start(argv: string[], request: LaunchRequest): Promise<{ok: true} | {ok: false; detail: string}> {
		const [command, ...args] = argv;
		if (!command) return Promise.resolve({ok: false, detail: 'empty browser command'});
		return new Promise((resolve) => {
			let child: SpawnedProcess;
			try {
				child = spawn(command, args);
			} catch (error) {
				resolve({ok: false, detail: describe(error)});
				return;
			}
			child.once('error', (error) => resolve({ok: false, detail: `${command}: ${describe(error)}`}));
			child.once('spawn', () => {
				watchExit(child, command, request);
				child.unref();
				resolve({ok: true});
			});
		});
	}

	function watchExit(child: SpawnedProcess, command: string, request: LaunchRequest) {
		child.once('exit', (code, signal) => {
			if (code === 0 || (code === null && signal === null)) return;
			fallback(request, 'open-failed', `${command} exited with ${code ?? signal}`, true);
		});
	}

	async function openInBrowser(request: LaunchRequest): Promise<LaunchResult> {
		if (options.noBrowser) return fallback(request, 'no-browser', null);
		const plan = options.browser?.plan();
		if (plan?.linksOnly) return fallback(request, 'no-browser', plan.why);
		if (options.browser && plan && plan.mode !== 'system') {
			const result = await options.browser.openVisible({kind: request.kind, url: request.url});
			return result.ok ? opened : fallback(request, 'open-failed', result.detail);
		}
		const command = plan ? plan.command : options.browserCommand;
		if (command !== '') {
			let argv: string[];
			try {
				argv = browserCommandArgv(command, request.url);
			} catch (error) {
				return fallback(request, 'open-failed', describe(error));
			}
			const started = await start(argv, request);
			return started.ok ? opened : fallback(request, 'open-failed', started.detail);
		}
		// $BROWSER first: over SSH it is often a helper that opens the URL on the local machine.
		const fromEnv = browserEnvCommands(env.BROWSER, request.url);
		if (fromEnv.length > 0) {
			const failures: string[] = [];
			for (const argv of fromEnv) {
				const started = await start(argv, request);
				if (started.ok) return opened;
				failures.push(started.detail);
			}
			return fallback(request, 'open-failed', failures.join('; '));
		}
		if (lacksDisplay(env, platform)) return fallback(request, 'no-display', null);
		try {
			const child = await openUrl(request.url);
			if (isWatchable(child)) watchExit(child, 'open', request);
			return opened;
		} catch (error) {
			return fallback(request, 'open-failed', describe(error));
		}
	}

	return {
		async launch(request) {
			switch (request.mode) {
				case 'off':
					return {outcome: 'off', detail: null};
				case 'hidden':
					try {
						await options.outbox.enqueue({kind: request.kind, url: request.url, callId: request.callId});
						return {outcome: 'queued', detail: null};
					} catch (error) {
						return {outcome: 'failed', detail: `outbox: ${describe(error)}`};
					}
				case 'browser':
					return openInBrowser(request);
			}
		},
		onFallback(listener) {
			fallbackListeners.add(listener);
			return () => fallbackListeners.delete(listener);
		},
	};
}

function isWatchable(value: unknown): value is SpawnedProcess {
	return typeof value === 'object' && value !== null && typeof (value as {once?: unknown}).once === 'function';
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
