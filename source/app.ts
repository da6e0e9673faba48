// Wiring only: config → driver → session store → history, activity log, local server, pops.
// Effects are injected (house rule 10) so tests run the real parts with a fake clock or browser.
import type {Clock, Driver} from './cti/driver.js';
import {systemClock} from './cti/driver.js';
import {createSimDriver} from './cti/sim/sim-driver.js';
import type {Config} from './config/schema.js';
import type {Paths} from './config/paths.js';
import {createAuthenticator} from './session/authenticate.js';
import type {Logger} from './logger.js';
import {startLocalServer, type LocalApi} from './local-api.js';
import {createActivityLog, type ActivityLog} from './session/activity-log.js';
import {createCallIdAllocator} from './session/call-id-store.js';
import {describeEvent} from './session/describe-event.js';
import {createHistory} from './session/history.js';
import {createSessionStore, type SessionStore} from './session/session-store.js';
import type {ServerView} from './ui/desk.js';

export interface AppDeps {
	config: Config;
	paths: Paths;
	logger: Logger;
	clock?: Clock;
	/** Replaces the configured driver (tests). */
	driver?: Driver;
	/** Extra sink for activity lines (headless mode prints them). */
	onActivity?: (line: string) => void;
}

export interface App {
	config: Config;
	store: SessionStore;
	activity: ActivityLog;
	server: {getSnapshot(): ServerView; subscribe(listener: () => void): () => void};
	start(): Promise<void>;
	/** Logs out first when `logout` (and the agent is logged in), then stops everything. */
	stop(options?: {logout?: boolean}): Promise<void>;
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
			throw new Error('The Asterisk driver is not available in this build yet.');
	}
}

export function createApp(deps: AppDeps): App {
	const {config, paths, logger} = deps;
	const clock = deps.clock ?? systemClock;
	const activity = createActivityLog({
		now: clock.now,
		sink: (entry) => {
			logger[entry.level]({source: entry.source}, entry.text);
			deps.onActivity?.(
				`${new Date(entry.at).toISOString()} ${entry.level.padEnd(5)} [${entry.source}] ${entry.text}`,
			);
		},
	});
	const history = createHistory(paths.historyFile);
	const driver = deps.driver ?? createDriver(config, clock);
	const store = createSessionStore({
		driver,
		clock,
		authenticate: createAuthenticator(config),
		wrapUpSeconds: config.wrapUpSeconds,
		allocateCallId: createCallIdAllocator(paths.callIdFile),
		recentCalls: history.readRecent(50),
	});

	store.onEvent((event, _previous, next) => {
		if (event.type === 'call-ended') {
			const record = next.recentCalls[0];
			if (record) {
				try {
					history.append(record);
				} catch (error) {
					activity.add(
						'error',
						'history',
						`Could not write the call history: ${(error as Error).message}`,
					);
				}
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

	let serverView: ServerView = {on: false, port: null, message: null};
	const serverListeners = new Set<() => void>();
	const server = {
		getSnapshot: () => serverView,
		subscribe(listener: () => void) {
			serverListeners.add(listener);
			return () => serverListeners.delete(listener);
		},
	};
	const setServerView = (view: ServerView) => {
		serverView = view;
		for (const listener of serverListeners) listener();
	};
	const closers: Array<() => Promise<void>> = [];

	return {
		config,
		store,
		activity,
		server,
		async start() {
			await store.start();
			const started = await startLocalServer({store, config, activity, logger}).catch(
				(error: unknown): LocalApi => ({
					ok: false,
					message: `Local API off: ${(error as Error).message}`,
				}),
			);
			if (started.ok) {
				closers.push(started.close);
				setServerView({on: true, port: started.port, message: null});
			} else {
				setServerView({on: false, port: null, message: started.message});
				activity.add('warn', 'server', started.message);
			}
		},
		async stop({logout = false} = {}) {
			if (logout && store.getSnapshot().agent.state !== 'logged-out') {
				const result = await store.run({type: 'logout'});
				activity.add(
					result.ok ? 'info' : 'warn',
					'app',
					result.ok ? 'Logged out' : `Logout failed: ${result.message}`,
				);
			}
			for (const close of closers.reverse()) await close().catch(() => undefined);
			await store.stop();
		},
	};
}
