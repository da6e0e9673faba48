// Time from process start to the first full frame of the real CLI in a pseudo-terminal, next
// to a bare Ink app started the same way in the same run.
//
//   npm run build && node bench/tui-startup.mjs [--runs 5] [--json]
//
// "Start" is the moment before spawning `script` (which sizes the PTY with stty and execs node);
// the first full frame is the output chunk that makes the screen show the toolbar ([l]Login).
// Runs alternate bare/ctidesk so a busy machine hurts both alike; medians are reported.
// Also shown: CPU time the process used up to that frame (less sensitive to other load than
// wall time), ctidesk's time until the local API is up (the "ready" frame), and RSS at the
// first frame. Target: first frame ≤ 700 ms.
// Also the README's start command on a built clone (`npm start`: npm, then scripts/start.mjs with
// scripts/build-if-stale.mjs finding dist/ current, then the CLI in the same process):
// first frame ≤ 1.5 s and ≤ 1.5× the bare Ink app started the same way (issue 14 item 8).
import {loadavg} from 'node:os';
import {cpuMs, rssBytes} from './lib/pty.mjs';
import {emitResult, figure, printReport} from './lib/report.mjs';
import {spawnBare, spawnCtidesk, toolbarMarker} from './lib/spawn-desk.mjs';
import {argument, mb, median} from './lib/stats.mjs';

const TARGET_MS = 700;
const NPM_START_TARGET_MS = 1500;
const NPM_START_FACTOR = 1.5;
const runs = Number(argument('runs', '5'));

async function measure(kind) {
	const pty =
		kind === 'bare'
			? spawnBare()
			: kind === 'bareNpm'
				? spawnBare({via: 'npm'})
				: await spawnCtidesk({via: kind === 'npm' ? 'npm-start' : 'node'});
	try {
		const firstFrame = await pty.waitFor(toolbarMarker);
		// npm is a node process too: CPU and RSS are measured on the direct start only.
		if (kind === 'npm' || kind === 'bareNpm') return {firstFrame};
		const pid = await pty.commandPid();
		const cpu = cpuMs(pid);
		const ready = kind === 'bare' ? null : await pty.waitFor(/API :\d+/);
		// RSS once the startup work is done (the local API is up): what the desk costs to keep open.
		const rss = rssBytes(pid);
		return {firstFrame, cpu, ready, rss};
	} finally {
		await pty.stop();
	}
}

const samples = {bare: [], ctidesk: [], npm: [], bareNpm: []};
const kinds = ['bare', 'ctidesk', 'npm', 'bareNpm'];
// One unmeasured run of each warms the disk cache, as a second start by a user would.
for (const kind of kinds) await measure(kind);
for (let run = 0; run < runs; run++) {
	for (const kind of kinds) samples[kind].push(await measure(kind));
}

const pick = (kind, key) => median(samples[kind].map((sample) => sample[key]));
const firstFrame = pick('ctidesk', 'firstFrame');
const bareFirstFrame = pick('bare', 'firstFrame');
const npmFirstFrame = pick('npm', 'firstFrame');
const bareNpmFirstFrame = pick('bareNpm', 'firstFrame');
const figures = [
	figure(
		'npm start (README) → first frame',
		npmFirstFrame,
		'ms',
		bareFirstFrame,
		`≤ ${NPM_START_TARGET_MS} ms and ≤ ${NPM_START_FACTOR}× bare`,
		npmFirstFrame <= NPM_START_TARGET_MS && npmFirstFrame <= NPM_START_FACTOR * bareFirstFrame,
		0,
	),
	// The same, beside bare Ink started through npm too: npm's own start-up counted on both sides.
	figure(
		'npm start → first frame, bare also via npm',
		npmFirstFrame,
		'ms',
		bareNpmFirstFrame,
		`≤ ${NPM_START_FACTOR}× bare via npm`,
		npmFirstFrame <= NPM_START_FACTOR * bareNpmFirstFrame,
		0,
	),
	figure(
		'first full frame (median wall)',
		firstFrame,
		'ms',
		bareFirstFrame,
		`≤ ${TARGET_MS} ms`,
		firstFrame <= TARGET_MS,
		0,
	),
	figure(
		'CPU time used by the first frame',
		pick('ctidesk', 'cpu'),
		'ms',
		pick('bare', 'cpu'),
		'—',
		null,
		0,
	),
	figure('local API up (ready frame)', pick('ctidesk', 'ready'), 'ms', null, '—', null, 0),
	figure(
		'RSS once started',
		mb(pick('ctidesk', 'rss')),
		'MB',
		mb(pick('bare', 'rss')),
		'≤ 120 MB',
		mb(pick('ctidesk', 'rss')) <= 120,
		1,
	),
];
const notes = [
	`${runs} runs each (plus one warm-up), alternating; load average at the end ${loadavg()
		.map((value) => value.toFixed(2))
		.join(' ')} on this machine`,
	`npm start samples: ${samples.npm.map((sample) => sample.firstFrame.toFixed(0)).join(', ')} ms; bare via npm: ${samples.bareNpm.map((sample) => sample.firstFrame.toFixed(0)).join(', ')} ms (npm's own start-up is in both; the first row's baseline is bare Ink started with node directly)`,
	`first-frame samples ctidesk: ${samples.ctidesk.map((sample) => sample.firstFrame.toFixed(0)).join(', ')} ms; bare: ${samples.bare.map((sample) => sample.firstFrame.toFixed(0)).join(', ')} ms`,
	`ctidesk's own share of the first frame: ${(firstFrame - bareFirstFrame).toFixed(0)} ms over the bare Ink app`,
];
printReport('TUI start-up: process start → first full frame (PTY 80×24)', figures, notes);
emitResult('tui-startup', figures, notes);
