// The local API's lifecycle for the app: bind it on the port in use (loading Koa, the router and
// ws only then: the first frame needs none of them), say in the status line whether it is on and
// why not, record the instance for `ctidesk attach`, and rebind it after a port change.
import {removeInstanceFile, writeInstanceFile} from './attach/instance-file.js';
import type {Paths} from './config/paths.js';
import type {Config} from './config/schema.js';
import type {ExternalSource, ServerView} from './core/desk.js';
import type {Clock} from './cti/driver.js';
import type {LocalApi} from './local-api.js';
import type {Logger} from './logger.js';
import type {InstanceControl} from './server/action.js';
import type {OriginRequests} from './server/origin-requests.js';
import type {ActivityLog} from './session/activity-log.js';
import type {SessionStore} from './session/session-store.js';

export interface LocalApiHostDeps {
	store: SessionStore;
	config: () => Config;
	activity: ActivityLog;
	logger: Logger;
	instance: InstanceControl;
	originRequests: OriginRequests;
	paths: Paths;
	clock: Clock;
	version: string;
}

export interface LocalApiHost {
	/** On, and on which port; or off, and why (the status line). */
	view: ExternalSource<ServerView>;
	/** Binds on the configured port; a failure is shown, never thrown. */
	start(): Promise<void>;
	stop(): Promise<void>;
}

export function createLocalApiHost(deps: LocalApiHostDeps): LocalApiHost {
	const {activity, paths} = deps;
	let current: LocalApi | null = null;
	let view: ServerView = {on: false, port: null, message: null};
	const listeners = new Set<() => void>();
	const show = (next: ServerView) => {
		view = next;
		for (const listener of listeners) listener();
	};

	/** Tells `ctidesk attach` / plain `ctidesk` where this instance is. */
	function recordInstance(port: number) {
		try {
			writeInstanceFile(paths.runtimeDir, {
				pid: process.pid,
				port,
				configFile: paths.configFile,
				startedAt: deps.clock.now(),
				version: deps.version,
			});
		} catch (error) {
			activity.add('warn', 'app', `Could not record the instance for attach: ${(error as Error).message}`);
		}
	}

	return {
		view: {
			getSnapshot: () => view,
			subscribe(listener) {
				listeners.add(listener);
				return () => listeners.delete(listener);
			},
		},
		async start() {
			const {startLocalServer} = await import('./local-api.js');
			const {store, config, logger, instance, originRequests} = deps;
			const started = await startLocalServer({store, config, activity, logger, instance, originRequests}).catch(
				(error: unknown): LocalApi => ({ok: false, message: `Local API off: ${(error as Error).message}`}),
			);
			current = started;
			if (!started.ok) {
				show({on: false, port: null, message: started.message});
				activity.add('warn', 'server', started.message);
				return;
			}
			show({on: true, port: started.port, message: null});
			recordInstance(started.port);
		},
		async stop() {
			const running = current;
			current = null;
			if (!running?.ok) return;
			await running.close();
			removeInstanceFile(paths.runtimeDir);
		},
	};
}
