// RSS of the app's core at the start and over a simulated 8-hour shift at 60 calls a minute,
// on a fast (fake) clock, next to the same process before anything was created.
//
//   npm run build && node --expose-gc bench/tui-memory.mjs [--hours 8] [--per-minute 60] [--queue-minutes 12] [--json]
//
// The real wiring (createApp: session store over the real simulator, activity log attached,
// pino log file, call history and call-id counter written to a temp dir) on a fake clock.
// The agent logs in, goes Ready and answers every offered call at once, hangs up after
// --talk-ms of simulated talk (default 200), wrap-up 0; callers arrive at --per-minute.
// (The simulator waits offerPauseMs = 1 s between calls, so one agent takes ~50 of 60 a
// minute and the rest give up in the queue: both paths run.)
// The clock moves in 250 ms steps with a turn of the event loop between steps, so commands
// and file writes complete as in the app. RSS (after global.gc when --expose-gc) is sampled
// at the start and every simulated hour; the slope is a least-squares fit of RSS over calls.
// Files go to /dev/shm when it exists, so fsync-per-call disk speed does not set the run time.
// The TUI itself is not rendered here (see tui-render.mjs for frames; tui-startup.mjs for the
// RSS of the real CLI process).
// Then a second phase: a busy centre with ~1000 callers waiting (see below).
// Targets: RSS ≤ 120 MB throughout and flat: slope ≤ 2 MB per 10k calls.
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {createFakeClock} from './lib/fake-clock.mjs';
import {emitResult, figure, printReport} from './lib/report.mjs';
import {root} from './lib/spawn-desk.mjs';
import {argument, mb, slope} from './lib/stats.mjs';

const TARGET_MB = 120;
const TARGET_SLOPE = 2;
const hours = Number(argument('hours', '8'));
const perMinute = Number(argument('per-minute', '60'));
const talkMs = Number(argument('talk-ms', '200'));
const stepMs = 250;

function sample() {
	globalThis.gc?.();
	const usage = process.memoryUsage();
	return {
		rss: usage.rss,
		heap: usage.heapUsed,
		heapTotal: usage.heapTotal,
		external: usage.external,
	};
}

const atProcessStart = sample();
const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
const {createApp} = await load('app.js');
const {defaultConfig} = await load('config/schema.js');
const {resolvePaths} = await load('config/paths.js');
const {createLogger} = await load('logger.js');
const baseline = sample();

const dir = mkdtempSync(
	join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'ctidesk-bench-memory-'),
);
const paths = resolvePaths({
	env: {CTIDESK_CONFIG_DIR: join(dir, 'config'), CTIDESK_DATA_DIR: join(dir, 'data')},
});
const config = defaultConfig();
config.wrapUpSeconds = 0;
config.pbx.sim = {...config.pbx.sim, arrivalsPerMinute: perMinute, otherAgents: 0};
const clock = createFakeClock(Date.UTC(2026, 10, 25, 9, 0, 0));
const logger = createLogger({file: paths.logFile, level: config.log.level});
const app = createApp({config, paths, logger, clock});
await app.store.start();

// The agent: answer whatever rings, hang up after a little talk.
let answered = 0;
app.store.onEvent((event, _previous, next) => {
	if (event.type === 'call-offered') void app.store.run({type: 'answer'});
	else if (event.type === 'call-answered' && next.call?.pbxCallId === event.pbxCallId) {
		answered += 1;
		clock.setTimeout(() => void app.store.run({type: 'hangup'}), talkMs);
	}
});
const login = await app.store.run({type: 'login', user: config.agent.user, password: '101'});
if (!login.ok) throw new Error(`login failed: ${login.message}`);
const ready = await app.store.run({type: 'ready'});
if (!ready.ok) throw new Error(`ready failed: ${ready.message}`);

const turn = () => new Promise((resolve) => setImmediate(resolve));
const start = sample();
const points = [{hour: 0, calls: 0, ...start}];
const started = performance.now();
const stepsPerHour = (3600 * 1000) / stepMs;
for (let hour = 1; hour <= hours; hour++) {
	for (let step = 0; step < stepsPerHour; step++) {
		clock.advance(stepMs);
		await turn();
	}
	const shift = app.store.getSnapshot().shift;
	points.push({hour, calls: shift.callsHandled + shift.callsMissed, ...sample()});
}
const elapsedS = (performance.now() - started) / 1000;
const totals = app.store.getSnapshot().shift;
// What the bounded replay buffer holds at the end (a rough size, as JSON).
const seq = app.store.getSnapshot().seq;
let replay = null;
for (let back = 100_000; back >= 100 && replay === null; back = Math.floor(back / 2))
	replay = app.store.eventsSince(Math.max(0, seq - back));
const replayJsonMb = mb(Buffer.byteLength(JSON.stringify(replay ?? [])));
const replayEvents = replay?.length ?? 0;
await app.stop({logout: true});
logger.flush?.();
rmSync(dir, {recursive: true, force: true});

// Phase 2, a busy centre: a 1000-caller queue (600 arrivals/min, mean patience 100 s) for
// --queue-minutes simulated minutes, the agent logged in and Away. Every queue-changed event
// carries the whole queue, and the store keeps the last 10k events for replay.
const queueMinutes = Number(argument('queue-minutes', '12'));
let busy = null;
if (queueMinutes > 0) {
	const busyDir = mkdtempSync(
		join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'ctidesk-bench-queue-'),
	);
	const busyPaths = resolvePaths({
		env: {CTIDESK_CONFIG_DIR: join(busyDir, 'config'), CTIDESK_DATA_DIR: join(busyDir, 'data')},
	});
	const busyConfig = defaultConfig();
	busyConfig.pbx.sim = {
		...busyConfig.pbx.sim,
		arrivalsPerMinute: 600,
		otherAgents: 0,
		patienceSeconds: 100,
	};
	const busyClock = createFakeClock(Date.UTC(2026, 10, 25, 9, 0, 0));
	const busyLogger = createLogger({file: busyPaths.logFile, level: busyConfig.log.level});
	const busyApp = createApp({
		config: busyConfig,
		paths: busyPaths,
		logger: busyLogger,
		clock: busyClock,
	});
	const before = sample();
	await busyApp.store.start();
	await busyApp.store.run({type: 'login', user: busyConfig.agent.user, password: '101'});
	const busyStarted = performance.now();
	for (let second = 0; second < queueMinutes * 60; second++) {
		busyClock.advance(1000);
		if (second % 10 === 0) await turn();
	}
	const after = sample();
	busy = {
		before,
		after,
		queue: busyApp.store.getSnapshot().queue.length,
		seq: busyApp.store.getSnapshot().seq,
		seconds: (performance.now() - busyStarted) / 1000,
	};
	await busyApp.stop({logout: true});
	busyLogger.flush?.();
	rmSync(busyDir, {recursive: true, force: true});
}

const end = points[points.length - 1];
const maxRss = Math.max(...points.map((point) => point.rss));
// Fit after the first hour(s): they fill the bounded buffers (the 10k-event replay ring fills
// after ~2000 calls, the activity log, recent calls), which is a level, not growth.
const fitted = points.slice(hours >= 4 ? 2 : 1);
const perTenK = (key) =>
	mb(
		slope(
			fitted.map((point) => point.calls),
			fitted.map((point) => point[key]),
		),
	) * 10_000;
const rssSlope = perTenK('rss');
const heapSlope = perTenK('heap');
const figures = [
	figure(
		'RSS at start (logged in, Ready)',
		mb(start.rss),
		'MB',
		mb(baseline.rss),
		`≤ ${TARGET_MB} MB`,
		mb(start.rss) <= TARGET_MB,
		1,
	),
	figure(
		`RSS after ${hours} h`,
		mb(end.rss),
		'MB',
		mb(baseline.rss),
		`≤ ${TARGET_MB} MB`,
		mb(end.rss) <= TARGET_MB,
		1,
	),
	figure(
		'RSS max (hourly samples)',
		mb(maxRss),
		'MB',
		mb(baseline.rss),
		`≤ ${TARGET_MB} MB`,
		mb(maxRss) <= TARGET_MB,
		1,
	),
	figure(
		'RSS slope',
		rssSlope,
		'MB/10k calls',
		null,
		`≤ ${TARGET_SLOPE}`,
		Math.abs(rssSlope) <= TARGET_SLOPE,
	),
	figure('heap used slope', heapSlope, 'MB/10k calls', null, '—', null),
];
if (busy)
	figures.push(
		figure(
			`RSS, ${busy.queue}-caller queue for ${queueMinutes} min`,
			mb(busy.after.rss),
			'MB',
			mb(baseline.rss),
			`≤ ${TARGET_MB} MB`,
			mb(busy.after.rss) <= TARGET_MB,
			1,
		),
		figure(
			`  heap used, ${busy.queue}-caller queue`,
			mb(busy.after.heap),
			'MB',
			mb(baseline.heap),
			'—',
			null,
			1,
		),
	);
const notes = [
	`baseline: this process after importing dist/ and before creating anything (${mb(atProcessStart.rss).toFixed(1)} MB before the imports)`,
	`${totals.callsHandled} calls handled, ${totals.callsMissed} missed (${answered} answered) in ${hours} simulated h; ran in ${elapsedS.toFixed(1)} s${globalThis.gc ? '' : ' (no --expose-gc: samples without a forced GC)'}`,
	`the replay ring holds ${replayEvents} events at the end (${replayJsonMb.toFixed(1)} MB as JSON); slope fitted from hour ${hours >= 4 ? 2 : 1}`,
	`hourly RSS MB: ${points.map((point) => mb(point.rss).toFixed(1)).join(', ')}`,
	`hourly heap used MB: ${points.map((point) => mb(point.heap).toFixed(1)).join(', ')}`,
	...(busy
		? [
				`busy queue: ${busy.seq} session events in ${queueMinutes} simulated min (ran ${busy.seconds.toFixed(1)} s); heap used ${mb(busy.before.heap).toFixed(0)} → ${mb(busy.after.heap).toFixed(0)} MB`,
			]
		: []),
	`hourly heap total / external MB: ${points.map((point) => `${mb(point.heapTotal).toFixed(0)}/${mb(point.external).toFixed(0)}`).join(', ')}`,
];
printReport(
	`Memory over a simulated ${hours}-hour shift at ${perMinute} calls/min (fake clock, in process)`,
	figures,
	notes,
);
emitResult('tui-memory', figures, notes);
