// Wiring only: config → driver → session store → history, activity log, local server, pops.
// Effects are injected (house rule 10) so tests run the real parts with a fake clock or browser.
import type {Clock, Driver} from './cti/driver.js';
import {systemClock} from './cti/driver.js';
import {createAsteriskDriver} from './cti/asterisk/asterisk-driver.js';
import {createSimDriver} from './cti/sim/sim-driver.js';
import type {Config} from './config/schema.js';
import type {Paths} from './config/paths.js';
import {createAuthenticator} from './session/authenticate.js';
import {logActivity, type Logger} from './logger.js';
import {createLocalApiHost} from './local-api-host.js';
import {createActivityLog, type ActivityLog} from './session/activity-log.js';
import {createCallIdAllocator} from './session/call-id-store.js';
import {describeEvent} from './session/describe-event.js';
import {createHistory} from './session/history.js';
import {createSessionStore, type SessionStore} from './session/session-store.js';
import type {DeskSettings, ExternalSource, PopsView, ServerView} from './core/desk.js';
import {join} from 'node:path';
import {findAgent, loginToken} from './config/password.js';
import type {Launcher, OpenUrlFunction} from './pops/launcher.js';
import type {BrowserService} from './browser/browser-service.js';
import {isOwnLoginCgi} from './browser/main-window.js';
import {createPopsWithBrowser} from './browser/pops-with-browser.js';
import type {Outbox} from './pops/outbox.js';
import type {PopService} from './pops/pop-service.js';
import {liveDeskSettings} from './desk-settings.js';
import type {InstanceControl} from './server/action.js';
import {createLiveConfig, type LiveConfig} from './live-config.js';
import {createSwitchableDriver} from './switchable-driver.js';
import {saveConfig} from './config/store.js';
import {createOriginRequests, type OriginRequests} from './server/origin-requests.js';
import {refuse, type Result} from './core/types.js';

export interface AppDeps {
	/** The config in use: the file's, with the command-line flags applied. */
	config: Config;
	/**
	 * The config as in the file, without the command-line flags: what the settings screen edits
	 * and saves (a one-off `--port 8180` is never written into config.json). Default: `config`.
	 */
	fileConfig?: Config;
	/** Applies the command-line flags to a saved config (default: none). */
	withFlags?: (saved: Config) => Config;
	paths: Paths;
	logger: Logger;
	clock?: Clock;
	/** Replaces the configured driver (tests). */
	driver?: Driver;
	/** Replaces the browser launcher's `open` (tests: the only thing outside the product). */
	openUrl?: OpenUrlFunction;
	/** Replaces fetch for hidden pops (tests). */
	fetch?: typeof fetch;
	env?: NodeJS.ProcessEnv;
	version?: string;
	/** Someone asked the instance to stop over the local API (ctidesk stop, an attached TUI). */
	onShutdown?: (logout: boolean) => void;
	/** Extra sink for activity lines (headless mode prints them). */
	onActivity?: (line: string) => void;
}

/** What saving the settings did: applied at once, and whether a reconnect is needed for the rest. */
export interface Applied {
	/** A PBX, agent phone or port setting changed: it takes effect with `reconnect()`. */
	needsReconnect: boolean;
}

export interface App {
	/** The config at start; `settings` has the one in use now. */
	config: Config;
	/** The config in use now (saved settings apply at once). */
	settings: LiveConfig;
	/** What the TUI reads of it (language, keys, reasons…), one object per save. */
	liveSettings: ExternalSource<DeskSettings>;
	/** The config as in the file (without command-line flags). */
	fileConfig(): Config;
	/** Makes a config just saved to the file the one in use (with the flags applied again). */
	applySaved(saved: Config): Applied;
	/** Reconnects the PBX link and rebinds the local API with the settings in use. */
	reconnect(): Promise<Result>;
	/** First contact from a CRM origin not allowed yet: the question the TUI shows, and its answer. */
	originRequests: OriginRequests;
	paths: Paths;
	store: SessionStore;
	activity: ActivityLog;
	/** Screen pops: what fired and what waits in the outbox (the TUI's view). */
	pops: ExternalSource<PopsView>;
	/** Opens a preset CRM link the way a browser-mode pop opens (or shows it as a link). */
	openLink(url: string): Promise<void>;
	/** Re-opens the newest browser pop (the agent asked; it is not a second pop). */
	reopenLastPop(): Promise<void>;
	/** The browser section's service once pops started (issue 15: managed browser, opener). */
	browser(): BrowserService | null;
	server: {getSnapshot(): ServerView; subscribe(listener: () => void): () => void};
	start(): Promise<void>;
	/** Logs out first when `logout` (and the agent is logged in), then stops everything. */
	stop(options?: StopOptions): Promise<void>;
}

export interface StopOptions {
	/** Log the agent out first (quit with logout). */
	logout?: boolean;
	/** The terminal went away (SIGHUP): pause or log out as `onTerminalLost` says, never drop a call. */
	terminalLost?: boolean;
}

export function createDriver(config: Config, clock: Clock): Driver {
	switch (config.pbx.driver) {
		case 'sim':
			return createSimDriver(
				{
					...config.pbx.sim,
					groups: config.agent.groups,
					agentNumber: config.agent.extension,
				},
				clock,
			);
		case 'asterisk':
			return createAsteriskDriver({config: config.pbx.asterisk, clock});
	}
}

/** The settings a driver is built from: a change takes effect only with a reconnect. */
function pbxKey(config: Config): string {
	return JSON.stringify([config.pbx, config.agent.extension, config.agent.groups]);
}

export function createApp(deps: AppDeps): App {
	const {config, paths, logger} = deps;
	const clock = deps.clock ?? systemClock;
	const withFlags = deps.withFlags ?? ((saved: Config) => saved);
	const live = createLiveConfig(config);
	const liveSettings = liveDeskSettings(live, paths.configFile);
	let fileConfig = deps.fileConfig ?? config;
	/** The PBX, phone and port the running driver and local API were started with. */
	let running = {pbx: pbxKey(config), port: config.server.port};
	const toLogFile = logActivity(logger);
	const activity = createActivityLog({
		now: clock.now,
		sink: (entry) => {
			toLogFile(entry);
			deps.onActivity?.(
				`${new Date(entry.at).toISOString()} ${entry.level.padEnd(5)} [${entry.source}] ${entry.text}`,
			);
		},
	});
	const history = createHistory(paths.historyFile);
	const driver = createSwitchableDriver(deps.driver ?? createDriver(config, clock));
	const callIds = createCallIdAllocator(paths.callIdFile);
	const store = createSessionStore({
		driver,
		clock,
		// The agent directory and the wrap-up time as saved now.
		authenticate: (user, secret) => createAuthenticator(live.getSnapshot())(user, secret),
		wrapUpSeconds: () => live.getSnapshot().wrapUpSeconds,
		allocateCallId: callIds.allocate,
		releaseCallId: callIds.release,
		recentCalls: history.readRecent(50),
	});

	store.onEvent((event, _previous, next) => {
		// A finished call, and again when it gets its wrap-up code (the newer line wins on read).
		const record =
			event.type === 'call-ended'
				? next.recentCalls[0]
				: event.type === 'disposition-set'
					? next.recentCalls.find((item) => item.callId === event.callId)
					: undefined;
		if (record) {
			try {
				history.append(record);
			} catch (error) {
				activity.add(
					'error',
					'history',
					`Could not write the call history (${history.pending} records kept until the disk takes them): ${(error as Error).message}`,
				);
			}
		}
		const text = describeEvent(event, next);
		if (text)
			activity.add(
				event.type === 'connection-changed' && !event.connected ? 'warn' : 'info',
				'session',
				text,
			);
	});

	const closers: Array<() => Promise<void>> = [];

	// Pops start with the app (the outbox and cookie jar load from disk); until then the view is empty.
	let popService: PopService | null = null;
	let outbox: Outbox | null = null;
	let launcher: Launcher | null = null;
	let browser: BrowserService | null = null;
	const emptyPops: PopsView = {recent: [], fallbackLinks: [], pendingHidden: 0};
	const popListeners = new Set<() => void>();
	const withBrowser = createPopsWithBrowser<PopsView>();
	const pops: ExternalSource<PopsView> = {
		getSnapshot: () => withBrowser(popService?.getSnapshot() ?? emptyPops, browser?.getSnapshot() ?? null),
		subscribe(listener) {
			popListeners.add(listener);
			return () => popListeners.delete(listener);
		},
	};
	async function startPops() {
		// Loaded here, after the first frame: tough-cookie and open are not needed to draw it.
		const [
			{createCookieJar},
			{createLauncher},
			{createOutbox},
			{createMemoryJournal, createPopJournal},
			{createPopService},
			{createBrowserService},
		] = await Promise.all([
			import('./pops/cookie-jar.js'),
			import('./pops/launcher.js'),
			import('./pops/outbox.js'),
			import('./pops/pop-journal.js'),
			import('./pops/pop-service.js'),
			import('./browser/browser-service.js'),
		]);
		// Issue 15: the browser section, read through a getter at every pop so a saved config applies to the next one.
		const browserService = createBrowserService({
			settings: () => live.getSnapshot(),
			profileDir: paths.browserProfileDir,
			isLoggedIn: () => store.getSnapshot().agent.sid !== null,
			isLoginCgi: (url) => isOwnLoginCgi(url, localApi.view.getSnapshot().port),
			activity,
			env: deps.env ?? process.env,
		});
		browser = browserService;
		browserService.subscribe(() => {
			for (const listener of popListeners) listener();
		});
		// A saved browser mode shows in the status panel at once, not only at the next pop.
		live.subscribe(() => void browserService.plan());
		closers.push(() => browserService.close());
		const cookieJar = await createCookieJar({
			file: join(paths.dataDir, 'cookies.json'),
			now: clock.now,
			onError: (message) => activity.add('warn', 'pops', `Cookie jar: ${String(message)}`),
		});
		outbox = await createOutbox({
			dir: paths.outboxDir,
			clock,
			fetch: deps.fetch,
			cookieJar,
			activity,
			transport: () => browserService.hiddenTransport(),
		});
		// The agent logging in to the CRM in the main window: send the pops that waited for it now.
		const managedOutbox = outbox;
		browserService.onMainWindowLoaded(() => managedOutbox.retryNow());
		launcher = createLauncher({
			browserCommand: config.pops.browserCommand,
			noBrowser: config.pops.noBrowser,
			clipboard: config.pops.clipboard,
			outbox,
			env: deps.env ?? process.env,
			openUrl: deps.openUrl,
			browser: browserService,
		});
		// Exactly once per (callid, kind) across restarts, and the Pops tab's history.
		const journal = await createPopJournal({
			file: paths.journalFile,
			clock,
			onError: (message) => activity.add('error', 'pops', message),
		}).catch((error: unknown) => {
			activity.add(
				'error',
				'pops',
				`Pop journal unavailable, pops fire once per run only: ${(error as Error).message}`,
			);
			return createMemoryJournal();
		});
		popService = createPopService({
			store,
			settings: () => live.getSnapshot().pops,
			launcher,
			outbox,
			activity,
			clock,
			hrNow: () => performance.now(),
			journal,
			loginToken: (user) => {
				const entry = findAgent(live.getSnapshot(), user);
				return entry ? loginToken(user, entry.password) : null;
			},
		});
		popService.subscribe(() => {
			for (const listener of popListeners) listener();
		});
		for (const listener of popListeners) listener();
		popService.start();
		closers.push(async () => {
			popService?.stop();
			outbox?.close();
			await journal.close();
			await cookieJar.flush();
		});
	}

	function applySaved(saved: Config): Applied {
		fileConfig = saved;
		const next = withFlags(saved);
		live.replace(next);
		activity.add('info', 'app', 'Settings saved: applied from the next request, pop and call on');
		return {needsReconnect: pbxKey(next) !== running.pbx || next.server.port !== running.port};
	}

	/** The agent allowed a CRM origin for good: saved in server.allowedOrigins and applied at once. */
	function allowOrigin(origin: string) {
		const allowed = fileConfig.server.allowedOrigins;
		const next = allowed.includes(origin) ? fileConfig : {...fileConfig, server: {...fileConfig.server, allowedOrigins: [...allowed, origin]}};
		const saved = saveConfig(paths.configFile, next);
		applySaved(next);
		activity.add(
			saved.ok ? 'info' : 'warn',
			'server',
			saved.ok ? `Allowed ${origin} (saved in server.allowedOrigins)` : `Allowed ${origin} until ctidesk stops: ${saved.message}`,
		);
	}

	const originRequests = createOriginRequests({clock, allowAlways: allowOrigin});

	async function reconnect(): Promise<Result> {
		const next = live.getSnapshot();
		if (store.getSnapshot().agent.state !== 'logged-out') {
			return refuse('not-allowed', 'Log out first: reconnecting would drop the PBX link under the agent.');
		}
		const before = running;
		running = {pbx: pbxKey(next), port: next.server.port};
		// A driver given by the caller (tests) is kept: only a configured one is rebuilt.
		if (before.pbx !== running.pbx && !deps.driver) {
			activity.add('info', 'app', `Reconnecting to the PBX (${next.pbx.driver})`);
			await driver.replace(createDriver(next, clock));
		}
		if (before.port !== running.port || !localApi.view.getSnapshot().on) {
			activity.add('info', 'app', `Rebinding the local API on port ${next.server.port}`);
			await localApi.stop();
			await localApi.start();
		}
		return {ok: true};
	}

	async function openLink(url: string) {
		if (!launcher) return;
		const result = await launcher.launch({
			id: 0,
			kind: 'home',
			url,
			mode: 'browser',
			callId: null,
		});
		activity.add(
			result.outcome === 'failed' ? 'warn' : 'info',
			'links',
			`${url}: ${result.outcome}${result.detail ? ` (${result.detail})` : ''}`,
		);
	}

	async function stop({logout = false, terminalLost = false}: StopOptions = {}) {
		if (terminalLost) {
			// SIGHUP of an in-process desk: nobody is at it any more (issue 12 item 6).
			const result = await store.leaveDesk(config.onTerminalLost);
			activity.add(
				result.ok ? 'info' : 'warn',
				'app',
				result.ok
					? `Terminal lost: ${config.onTerminalLost === 'logout' ? 'logged out or paused (call up)' : 'paused (desk closed)'}`
					: `Terminal lost, could not ${config.onTerminalLost}: ${result.message}`,
			);
		} else if (logout && store.getSnapshot().call) {
			// Quit with a call up: logging out is refused, and the desk is going: pause instead, so
			// the queue offers no calls to a desk that is not there; the call stays up.
			const result = await store.leaveDesk('logout');
			activity.add(result.ok ? 'info' : 'warn', 'app', result.ok ? 'Quit with a call up: paused (desk closed)' : `Quit: ${result.message}`);
		} else if (logout && store.getSnapshot().agent.state !== 'logged-out') {
			const result = await store.run({type: 'logout'});
			activity.add(
				result.ok ? 'info' : 'warn',
				'app',
				result.ok ? 'Logged out' : `Logout failed: ${result.message}`,
			);
		}
		for (const close of closers.reverse()) await close().catch(() => undefined);
		await store.stop();
	}

	// What /api (ctidesk attach, stop, events) and attached TUIs see of this instance.
	const instance: InstanceControl = {
		describe: () => ({
			pid: process.pid,
			version: deps.version ?? '0.0.0',
			configFile: paths.configFile,
			capabilities: store.capabilities,
			settings: liveSettings.getSnapshot(),
		}),
		shutdown: (logout) => (deps.onShutdown ? deps.onShutdown(logout) : void stop({logout})),
		openLink,
		pops,
		settings: liveSettings,
	};

	const localApi = createLocalApiHost({
		store,
		config: live.getSnapshot,
		activity,
		logger,
		instance,
		originRequests,
		paths,
		clock,
		version: deps.version ?? '0.0.0',
	});

	return {
		config,
		settings: live,
		liveSettings,
		fileConfig: () => fileConfig,
		applySaved,
		reconnect,
		originRequests,
		paths,
		store,
		activity,
		pops,
		server: localApi.view,
		openLink,
		browser: () => browser,
		async reopenLastPop() {
			const result = await popService?.reopenLast();
			if (result && !result.ok) activity.add('warn', 'pops', result.message);
		},
		async start() {
			await startPops();
			// The local API comes up before the PBX link: a slow or unreachable PBX must not keep
			// CRM pages (and attached TUIs) from reaching ctidesk; commands answer pbx-unavailable meanwhile.
			// Loaded here, not at the top: Koa, the router and ws are not needed for the first frame.
			await localApi.start();
			closers.push(localApi.stop);
			await store.start();
		},
		stop,
	};
}
