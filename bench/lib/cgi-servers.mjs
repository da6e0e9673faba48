// The servers cgi-latency.mjs compares, built from dist/ exactly as the app wires them:
// - ctidesk: createServer + listenServer over the real session store and the embedded simulator
//   (system clock, no arrivals, no wrap-up), the demo agent logged in and ready, the same-user
//   check on, the activity log and a real pino log file that every activity line also goes to;
// - bare Koa: `new Koa()` with one middleware answering a constant JSON body (the baseline).
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');

/** The two requests every connection alternates: the first is the one measured. */
export const benchPaths = ['/cgi-bin/call.cgi?number=139001&format=json', '/cgi-bin/hangup.cgi?format=json'];

/** The real session store over the simulator, the demo agent logged in and ready. */
export async function startSession() {
	const {createSimDriver} = await import(join(dist, 'cti/sim/sim-driver.js'));
	const {systemClock} = await import(join(dist, 'cti/driver.js'));
	const {createSessionStore} = await import(join(dist, 'session/session-store.js'));
	const {nextCallId} = await import(join(dist, 'core/call-id.js'));
	const driver = createSimDriver(
		{seed: 1, arrivalsPerMinute: 0, patienceSeconds: 90, ringSeconds: 15, otherAgents: 0, talkSeconds: 60, groups: ['1'], agentNumber: '101'},
		systemClock,
	);
	let lastCallId = null;
	const store = createSessionStore({
		driver,
		clock: systemClock,
		// The demo agent; the benches measure call.cgi, not scrypt.
		authenticate: (user) => (user === '101' ? {user, agentId: '1', empId: '001', extension: '101', groups: ['1']} : null),
		wrapUpSeconds: 0,
		allocateCallId: (now) => (lastCallId = nextCallId(lastCallId, now)),
	});
	await store.start();
	for (const command of [{type: 'login', user: '101', password: '101'}, {type: 'ready'}]) {
		const result = await store.run(command);
		if (!result.ok) throw new Error(result.message);
	}
	return store;
}

/**
 * ctidesk's local API listening on 127.0.0.1 (and ::1), port 0. `removeLogDir` cleans up.
 */
export async function listenCtidesk({logFile = true, sameUserOnly = true} = {}) {
	const {defaultConfig} = await import(join(dist, 'config/schema.js'));
	const {createActivityLog} = await import(join(dist, 'session/activity-log.js'));
	const {createLogger, logActivity} = await import(join(dist, 'logger.js'));
	const {createServer} = await import(join(dist, 'server/create-server.js'));
	const {listenServer} = await import(join(dist, 'server/listen.js'));
	const config = defaultConfig();
	config.wrapUpSeconds = 0;
	config.server.sameUserOnly = sameUserOnly;
	const store = await startSession();
	const logDir = logFile ? mkdtempSync(join(tmpdir(), 'ctidesk-bench-')) : null;
	const logger = createLogger({file: logDir ? join(logDir, 'ctidesk.log') : null});
	// As source/app.ts wires it: every activity line also goes to the log file.
	const activity = createActivityLog({now: () => Date.now(), sink: logFile ? logActivity(logger) : undefined});
	const deps = {store, config: () => config, activity, logger};
	const listening = await listenServer(createServer(deps), {...deps, port: 0});
	if (listening.error) throw new Error(listening.error.message);
	return {port: listening.port, removeLogDir: () => logDir && rmSync(logDir, {recursive: true, force: true})};
}

/** The baseline: `new Koa()` answering a constant, on 127.0.0.1 port 0. */
export async function listenBareKoa() {
	const {default: Koa} = await import('koa');
	const {createServer} = await import('node:http');
	const app = new Koa();
	app.use((ctx) => {
		ctx.body = {ok: true, code: 'ok', message: 'constant'};
	});
	const server = createServer(app.callback());
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {port: server.address().port, removeLogDir: () => undefined};
}
