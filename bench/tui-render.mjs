// Time to render a frame of the real <App> with a 1000-caller queue, next to a bare Ink app
// rendering the same text the same number of times, in the same run.
//
//   npm run build && node bench/tui-render.mjs [--frames 300] [--queue 1000] [--json]
//
// ctidesk: the real app wiring (createApp: session store over the real simulator, activity
// log, history in a temp dir, pino log file) on a fake clock, the desk the CLI builds
// (createDesk), the agent logged in and Away, and the simulator filling the queue: arrivals
// 600/min and a mean patience of --queue/10 s keep about --queue callers waiting, arriving and
// giving up. Once the queue is full, <App> is rendered into a fake 80×24 stdout (Ink debug
// mode: every render is written at once, no 30 fps throttle) and switched to the Queue tab.
// Each sample: advance the fake clock a little; when that changed the queue (one
// queue-changed event → the store → React → Ink → stdout.write), the time from the advance
// to the frame written. Only steps that produced exactly one frame count.
// Baseline: a bare Ink component that renders the captured frames' lines as <Text> rows, one
// state change per frame, the same frames in the same order, into the same fake stdout.
// Target: p99 ≤ 16 ms (one frame at 60 Hz).
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {pathToFileURL} from 'node:url';
import {stripVTControlCharacters} from 'node:util';
import {Box, Text, render} from 'ink';
import React, {useSyncExternalStore} from 'react';
import {createFakeClock} from './lib/fake-clock.mjs';
import {FakeStdin, FakeStdout, settle} from './lib/fake-terminal.mjs';
import {emitResult, figure, printReport} from './lib/report.mjs';
import {root} from './lib/spawn-desk.mjs';
import {argument, summarize} from './lib/stats.mjs';

const TARGET_MS = 16;
const frames = Number(argument('frames', '300'));
const queueSize = Number(argument('queue', '1000'));
const warmup = 30;
const h = React.createElement;
const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);

const {createApp} = await load('app.js');
const {createDesk} = await load('desk.js');
const {App} = await load('ui/App.js');
const {defaultConfig} = await load('config/schema.js');
const {resolvePaths} = await load('config/paths.js');
const {createLogger} = await load('logger.js');

// ------------------------------------------------------------------ ctidesk

const dir = mkdtempSync(join(tmpdir(), 'ctidesk-bench-render-'));
const paths = resolvePaths({
	env: {CTIDESK_CONFIG_DIR: join(dir, 'config'), CTIDESK_DATA_DIR: join(dir, 'data')},
});
const config = defaultConfig();
const arrivalsPerMinute = 600;
config.pbx.sim = {
	...config.pbx.sim,
	arrivalsPerMinute,
	otherAgents: 0,
	// Little's law: waiting ≈ arrival rate × mean patience.
	patienceSeconds: Math.max(1, Math.round(queueSize / (arrivalsPerMinute / 60))),
};
const clock = createFakeClock(Date.now());
const logger = createLogger({file: paths.logFile, level: config.log.level});
const app = createApp({config, paths, logger, clock});
await app.store.start();
const login = await app.store.run({type: 'login', user: config.agent.user, password: '101'});
if (!login.ok) throw new Error(`login failed: ${login.message}`);
if (app.store.getSnapshot().agent.state !== 'not-ready')
	await app.store.run({type: 'away', reason: config.reasons[0]});
// Fill: two mean patiences bring the queue to its steady size.
for (let second = 0; second < 2 * config.pbx.sim.patienceSeconds; second++) clock.advance(1000);
const filled = app.store.getSnapshot().queue.length;

const desk = {...createDesk(app, paths.configFile), now: clock.now};
const stdout = new FakeStdout(80, 24);
const stdin = new FakeStdin();
let inkRenderMs = [];
const instance = render(h(App, {desk, onQuit() {}, onRedraw() {}}), {
	stdout,
	stderr: new FakeStdout(80, 24),
	stdin,
	debug: true,
	exitOnCtrlC: false,
	patchConsole: false,
	onRender: ({renderTime}) => inkRenderMs.push(renderTime),
});
await settle();
stdin.write('\t');
await settle();
const queueFrame = stripVTControlCharacters(stdout.lastFrame);
if (!/Queue \(\d+\)/.test(queueFrame) || !/\/ \d+/.test(queueFrame))
	throw new Error(`the Queue tab did not show a long queue:\n${queueFrame}`);

function cpuMsBetween(before, after) {
	return (after.user - before.user + after.system - before.system) / 1000;
}

// Subscribed after <App>, so it hears the store after React rendered (the same sync pass):
// the store's own work is measured from the event listeners instead (onEvent runs first).
let storeDoneAt = 0;
app.store.onEvent(() => {
	storeDoneAt = performance.now();
});

async function sampleCtidesk(count) {
	const times = [];
	const cpuTimes = [];
	const storeTimes = [];
	const captured = [];
	inkRenderMs = [];
	const inkTimes = [];
	while (times.length < count) {
		const before = stdout.frames;
		const renderedBefore = inkRenderMs.length;
		const cpuBefore = process.cpuUsage();
		const started = performance.now();
		clock.advance(20);
		if (stdout.frames === before) await settle(); // React renders in a later turn
		if (stdout.frames - before === 1) {
			times.push(stdout.lastWriteAt - started);
			cpuTimes.push(cpuMsBetween(cpuBefore, stdout.lastWriteCpu));
			storeTimes.push(storeDoneAt - started);
			captured.push(stdout.lastFrame);
			if (inkRenderMs.length > renderedBefore) inkTimes.push(inkRenderMs[inkRenderMs.length - 1]);
		}
		// Between samples, as between real events: timers, GC and I/O get their turn.
		await settle();
	}
	return {times, cpuTimes, storeTimes, captured, inkTimes};
}

await sampleCtidesk(warmup);
const ctidesk = await sampleCtidesk(frames);
const queueAtEnd = app.store.getSnapshot().queue.length;
instance.unmount();
instance.cleanup?.();
await app.stop();
logger.flush?.();
rmSync(dir, {recursive: true, force: true});

// ------------------------------------------------------------------ baseline

function createFrameSource(first) {
	let lines = first.split('\n');
	const listeners = new Set();
	return {
		getSnapshot: () => lines,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		set(frame) {
			lines = frame.split('\n');
			for (const listener of listeners) listener();
		},
	};
}

function Bare({source}) {
	const lines = useSyncExternalStore(source.subscribe, source.getSnapshot);
	return h(
		Box,
		{flexDirection: 'column', width: 80},
		...lines.map((line, index) => h(Text, {key: index, wrap: 'truncate'}, line)),
	);
}

async function sampleBare(captured) {
	const bareStdout = new FakeStdout(80, 24);
	const source = createFrameSource(captured[0]);
	const bare = render(h(Bare, {source}), {
		stdout: bareStdout,
		stderr: new FakeStdout(80, 24),
		stdin: new FakeStdin(),
		debug: true,
		exitOnCtrlC: false,
		patchConsole: false,
	});
	await settle();
	const times = [];
	const cpuTimes = [];
	// Warm up on the same frames, then measure each frame once.
	for (const [index, frame] of [...captured.slice(0, warmup), ...captured].entries()) {
		const before = bareStdout.frames;
		const cpuBefore = process.cpuUsage();
		const started = performance.now();
		source.set(frame);
		if (bareStdout.frames === before) await settle();
		if (index >= Math.min(warmup, captured.length)) {
			times.push(bareStdout.lastWriteAt - started);
			cpuTimes.push(cpuMsBetween(cpuBefore, bareStdout.lastWriteCpu));
		}
		await settle();
	}
	bare.unmount();
	return {times, cpuTimes};
}

const bareSamples = await sampleBare(ctidesk.captured);

// ------------------------------------------------------------------ report

const mine = summarize(ctidesk.times);
const base = summarize(bareSamples.times);
const mineCpu = summarize(ctidesk.cpuTimes);
const baseCpu = summarize(bareSamples.cpuTimes);
const ink = summarize(ctidesk.inkTimes);
const store = summarize(ctidesk.storeTimes);
const figures = [
	figure(
		`frame, ${filled}-call queue, wall p50`,
		mine.p50,
		'ms',
		base.p50,
		`≤ ${TARGET_MS} ms`,
		mine.p50 <= TARGET_MS,
	),
	figure(
		`frame, ${filled}-call queue, wall p99`,
		mine.p99,
		'ms',
		base.p99,
		`≤ ${TARGET_MS} ms`,
		mine.p99 <= TARGET_MS,
	),
	figure(
		'frame, CPU time p50',
		mineCpu.p50,
		'ms',
		baseCpu.p50,
		`≤ ${TARGET_MS} ms`,
		mineCpu.p50 <= TARGET_MS,
	),
	figure(
		'frame, CPU time p99',
		mineCpu.p99,
		'ms',
		baseCpu.p99,
		`≤ ${TARGET_MS} ms`,
		mineCpu.p99 <= TARGET_MS,
	),
	figure('  of which simulator + store, p50', store.p50, 'ms', null, '—', null),
	figure("  of which Ink's output pass, p50", ink.p50, 'ms', null, '—', null),
];
const notes = [
	`${mine.n} frames, each one queue-changed event of the real simulator → store → <App> (Queue tab) → frame written; queue ${filled} at the start, ${queueAtEnd} at the end`,
	'baseline: a bare Ink app rendering the same captured frames (lines as <Text> rows), one state change each',
	`worst frame: ctidesk ${mine.max.toFixed(2)} ms, bare ${base.max.toFixed(2)} ms; CPU time is process.cpuUsage() from the state change to the frame written (process-wide, so it includes GC and helper threads, but not time spent waiting for a CPU)`,
	`React build: ${process.env.NODE_ENV === 'production' ? 'production' : 'development (NODE_ENV is not "production", as when the CLI runs)'}`,
];
printReport(
	'TUI frame time with a 1000-call queue (fake stdout 80×24, Ink debug mode)',
	figures,
	notes,
);
emitResult('tui-render', figures, notes);
