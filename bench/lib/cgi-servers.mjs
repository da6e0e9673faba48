// The request handlers the CGI benches compare, built from dist/ exactly as the app wires them:
// - ctidesk: createServer over the real session store and the embedded simulator (system clock,
//   no arrivals, no wrap-up), the demo agent logged in and ready, the activity log and (unless
//   asked not to) a real pino log file that every activity line also goes to;
// - bare Koa: `new Koa()` with one middleware answering a constant JSON body (the baseline);
// - session only: the same session and commands on plain node:http with no guards, parsing or
//   logging, to tell the session's cost from the local API's own layers.
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
 * ctidesk's request handler and the deps listenServer takes. `logFile: false` leaves the log
 * file out (the activity log, the Events tab's source, stays). `removeLogDir` cleans up.
 */
export async function ctideskHandler({logFile = true, sameUserOnly = true} = {}) {
	const {defaultConfig} = await import(join(dist, 'config/schema.js'));
	const {createActivityLog} = await import(join(dist, 'session/activity-log.js'));
	const {createLogger, logActivity} = await import(join(dist, 'logger.js'));
	const {createServer} = await import(join(dist, 'server/create-server.js'));
	const config = defaultConfig();
	config.wrapUpSeconds = 0;
	config.server.sameUserOnly = sameUserOnly;
	const store = await startSession();
	const logDir = logFile ? mkdtempSync(join(tmpdir(), 'ctidesk-bench-')) : null;
	const logger = createLogger({file: logDir ? join(logDir, 'ctidesk.log') : null});
	// As source/app.ts wires it: every activity line also goes to the log file.
	const activity = createActivityLog({now: () => Date.now(), sink: logFile ? logActivity(logger) : undefined});
	const deps = {store, config, activity, logger};
	return {handler: createServer(deps), deps, removeLogDir: () => logDir && rmSync(logDir, {recursive: true, force: true})};
}

/** The baseline: `new Koa()` answering a constant. */
export async function bareKoaHandler() {
	const {default: Koa} = await import('koa');
	const app = new Koa();
	app.use((ctx) => {
		ctx.body = {ok: true, code: 'ok', message: 'constant'};
	});
	return app.callback();
}

/** The session's own cost: the same commands on node:http with no guards, parsing or logging. */
export async function sessionOnlyHandler() {
	const store = await startSession();
	return (req, res) => {
		const command = req.url.startsWith('/cgi-bin/call.cgi') ? {type: 'dial', number: '139001'} : {type: 'hangup'};
		void store.run(command).then((result) => {
			// A refusal answers 409 as ctidesk does, so the tables count the same outcomes.
			const body = JSON.stringify(result);
			res.writeHead(result.ok ? 200 : 409, {'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body)});
			res.end(body);
		});
	};
}
