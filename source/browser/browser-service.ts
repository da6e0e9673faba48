// The browser side of pops, per mode (issue 15): which mode is active and why, visible pops and
// the home page in the managed browser or through the opener, and hidden pops through the
// managed browser's hidden pages. Settings are read through a getter at every pop, so a config
// saved in the settings screen applies to the next pop.
import type {BrowserConfig, PopWindowConfig} from '../config/schema.js';
import type {OutboxTransport} from '../pops/outbox.js';
import {findChromiumFamily} from './find-browser.js';
import {createHiddenPages} from './hidden-pages.js';
import {createMainWindow} from './main-window.js';
import {createManagedBrowser, type BrowserActivity, type LaunchContext, type ManagedBrowser} from './managed-browser.js';
import {createOpenerClient, type OpenerClient} from './opener/opener-client.js';
import {resolveBrowserMode, type BrowserPlan, type BrowserSettingsInput} from './resolve-mode.js';
import type {LockProbe} from './profile-lock.js';

type PopKind = 'home' | 'ring' | 'answer' | 'hangup' | 'wrapup';

/** What the service reads of the config (Config satisfies it). */
export interface BrowserServiceSettings extends BrowserSettingsInput {
	browser: BrowserConfig;
	pops: BrowserSettingsInput['pops'] &
		Partial<Record<PopKind, {url?: string; window?: PopWindowConfig | undefined}>>;
	links: ReadonlyArray<{url: string}>;
}

/** The status panel's line: the active mode and why. */
export interface BrowserStatus {
	mode: BrowserPlan['mode'];
	why: string;
	/** The managed browser is up right now. */
	running: boolean;
}

export type VisibleResult = {ok: true} | {ok: false; detail: string};

export interface BrowserServiceOptions {
	settings: () => BrowserServiceSettings;
	/** The managed browser's profile (in ctidesk's data dir). */
	profileDir: string;
	/** The agent is logged in (the home page then gets the link tabs). */
	isLoggedIn: () => boolean;
	/** True for a URL of this desk's own login.cgi. */
	isLoginCgi: (url: string) => boolean;
	activity?: BrowserActivity;
	env?: NodeJS.ProcessEnv;
	platform?: NodeJS.Platform;
	findBrowser?: (executable: string) => string | null;
	launch?: LaunchContext;
	lockProbe?: LockProbe;
	opener?: OpenerClient;
}

export interface BrowserService {
	plan(): BrowserPlan;
	/** Opens a visible pop or the home page (managed or remote mode). */
	openVisible(request: {kind: PopKind; url: string}): Promise<VisibleResult>;
	/** For the outbox: deliver hidden pops in the managed browser (null: fetch, as before). */
	hiddenTransport(): OutboxTransport | null;
	getSnapshot(): BrowserStatus;
	subscribe(listener: () => void): () => void;
	/**
	 * A page of the main window loaded (at most every 2 s): hidden pops waiting because the CRM
	 * asked for a login can be retried now rather than at their backoff time.
	 */
	onMainWindowLoaded(listener: () => void): () => void;
	/** The managed browser itself (tests, bench). */
	managed: ManagedBrowser;
	mainWindow: ReturnType<typeof createMainWindow>;
	close(): Promise<void>;
}

/** The configured home page, with or without the login parameters (same origin and path). */
export function isHomePage(url: string, home: string): boolean {
	if (home === '' || !URL.canParse(url) || !URL.canParse(home)) return false;
	const a = new URL(url);
	const b = new URL(home);
	return a.origin === b.origin && a.pathname === b.pathname;
}

export function createBrowserService(options: BrowserServiceOptions): BrowserService {
	const env = options.env ?? process.env;
	const platform = options.platform ?? process.platform;
	const findBrowser = options.findBrowser ?? ((executable: string) => findChromiumFamily({executable, env, platform}));
	const told = new Set<string>();
	let planFor: {settings: BrowserServiceSettings; plan: BrowserPlan} | null = null;

	function plan(): BrowserPlan {
		const settings = options.settings();
		if (planFor?.settings === settings) return planFor.plan;
		const next = resolveBrowserMode(settings, {findBrowser, env, platform});
		const changedMode = planFor !== null && planFor.plan.why !== next.why;
		planFor = {settings, plan: next};
		// plan() may run inside a render (the status panel reads getSnapshot): tell afterwards.
		queueMicrotask(() => {
			for (const notice of next.notices) {
				if (told.has(notice)) continue;
				told.add(notice);
				options.activity?.add('warn', 'browser', notice);
			}
			if (changedMode) {
				options.activity?.add('info', 'browser', `Browser: ${next.why}`);
				if (next.mode !== 'managed') void managed.close();
			}
			notifyIfChanged();
		});
		return next;
	}

	const managed = createManagedBrowser({
		profileDir: options.profileDir,
		settings: () => ({executable: plan().executable ?? '', headless: options.settings().browser.headless}),
		launch: options.launch,
		activity: options.activity,
		lockProbe: options.lockProbe,
	});
	const mainWindow = createMainWindow(managed, {isLoginCgi: options.isLoginCgi});
	const hidden = createHiddenPages(managed);
	const opener = options.opener ?? createOpenerClient();

	// --- status -------------------------------------------------------------------------------
	const listeners = new Set<() => void>();
	let status: BrowserStatus | null = null;
	/** The same object until the mode, its reason or the browser's running state changes. */
	function currentStatus(): BrowserStatus {
		const current = plan();
		const running = managed.running();
		if (!status || status.mode !== current.mode || status.why !== current.why || status.running !== running) {
			status = {mode: current.mode, why: current.why, running};
		}
		return status;
	}
	let notified: BrowserStatus | null = null;
	function notifyIfChanged() {
		const next = currentStatus();
		if (next === notified) return;
		notified = next;
		for (const listener of listeners) listener();
	}
	managed.onSession((session) => {
		notifyIfChanged();
		session.context.on('close', notifyIfChanged);
	});

	function windowFor(kind: PopKind): PopWindowConfig | null {
		return options.settings().pops[kind]?.window ?? null;
	}

	async function openVisible(request: {kind: PopKind; url: string}): Promise<VisibleResult> {
		const first = await openVisibleOnce(request);
		// The agent closed the browser just as the pop came: it starts again for this pop.
		if (!first.ok && plan().mode === 'managed' && !managed.running()) return openVisibleOnce(request);
		return first;
	}

	async function openVisibleOnce({kind, url}: {kind: PopKind; url: string}): Promise<VisibleResult> {
		const current = plan();
		try {
			if (current.mode === 'remote') {
				const {remote} = options.settings().browser;
				return await opener.open({port: remote.port, token: remote.token, url, window: windowFor(kind)});
			}
			const settings = options.settings();
			// The home page (bare or with the login) lays the main window out; anything else opened
			// with kind 'home' (a link from the Links tab or /api/open-link) is a tab.
			if (kind === 'home' && isHomePage(url, settings.pops.home?.url ?? '')) {
				await mainWindow.show(url, {loggedIn: options.isLoggedIn(), links: settings.links.map((link) => link.url)});
			} else {
				const window = windowFor(kind);
				// Without a window of its own the pop is a tab of the main window, as in the original.
				await managed.openTarget(url, window, window ? undefined : () => mainWindow.front());
			}
			return {ok: true};
		} catch (error) {
			return {ok: false, detail: `${current.mode} browser: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`};
		}
	}

	const loadedListeners = new Set<() => void>();
	let lastLoadedAt = -Infinity;
	let loadedTimer: NodeJS.Timeout | null = null;
	// At most one call every 2 s, the last load of a burst included (login form → redirect → home).
	mainWindow.onNavigated(() => {
		if (loadedTimer) return;
		loadedTimer = setTimeout(
			() => {
				loadedTimer = null;
				lastLoadedAt = Date.now();
				for (const listener of loadedListeners) listener();
			},
			Math.max(0, lastLoadedAt + 2000 - Date.now()),
		);
		loadedTimer.unref();
	});

	return {
		plan,
		openVisible,
		onMainWindowLoaded(listener) {
			loadedListeners.add(listener);
			return () => loadedListeners.delete(listener);
		},
		hiddenTransport() {
			if (plan().mode !== 'managed') return null;
			return (url, signal) => hidden.deliver(url, {loginUrl: options.settings().browser.loginUrl, signal, timeoutMs: 10_000});
		},
		getSnapshot: currentStatus,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		managed,
		mainWindow,
		close() {
			if (loadedTimer) clearTimeout(loadedTimer);
			return managed.close();
		},
	};
}
