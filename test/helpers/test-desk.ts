// A Desk over the real session store and the real simulator, on a fake clock: what the UI tests
// drive with keys. Only the browser launcher is outside the product and gets replaced.
import {createAuthenticator} from '../../source/session/authenticate.js';
import {defaultConfig, type Config} from '../../source/config/schema.js';
import {createSimDriver} from '../../source/cti/sim/sim-driver.js';
import {createActivityLog, type ActivityLog} from '../../source/session/activity-log.js';
import {createSessionStore, type SessionStore} from '../../source/session/session-store.js';
import {createAdminSettings, deskSettings} from '../../source/desk.js';
import {nextCallId} from '../../source/core/call-id.js';
import type {Desk} from '../../source/ui/desk.js';
import {createFakeClock, type FakeClock} from './fake-clock.js';

/** getSnapshot must return the same object every time (useSyncExternalStore). */
function constant<T>(value: T) {
	return {getSnapshot: () => value, subscribe: () => () => undefined};
}

export interface TestDesk {
	desk: Desk;
	store: SessionStore;
	clock: FakeClock;
	config: Config;
	opened: string[];
	activity: ActivityLog;
}

export async function createTestDesk(
	overrides: Partial<Config> = {},
	configFile?: string,
): Promise<TestDesk> {
	const config: Config = {...defaultConfig(), ...overrides};
	config.pbx = {...config.pbx, sim: {...config.pbx.sim, arrivalsPerMinute: 0, otherAgents: 0}};
	const clock = createFakeClock();
	const driver = createSimDriver(
		{...config.pbx.sim, groups: config.agent.groups, agentNumber: config.agent.extension},
		clock,
	);
	let lastId: string | null = null;
	const store = createSessionStore({
		driver,
		clock,
		authenticate: createAuthenticator(config),
		wrapUpSeconds: config.wrapUpSeconds,
		allocateCallId: (now) => (lastId = nextCallId(lastId, now)),
	});
	const activity = createActivityLog({now: clock.now});
	const opened: string[] = [];
	const desk: Desk = {
		session: {getSnapshot: store.getSnapshot, subscribe: store.subscribe, run: store.run},
		capabilities: store.capabilities,
		activity: {getSnapshot: activity.getEntries, subscribe: activity.subscribe},
		pops: constant({recent: [], fallbackLinks: [], pendingHidden: 0}),
		server: constant({on: true, port: 18080, message: null}),
		settings: deskSettings(config),
		async openLink(url) {
			opened.push(url);
		},
		admin: configFile ? createAdminSettings(config, configFile) : null,
		now: clock.now,
		mode: 'local',
	};
	await store.start();
	return {desk, store, clock, config, opened, activity};
}
