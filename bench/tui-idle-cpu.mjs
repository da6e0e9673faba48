// Idle CPU of the running CLI in a pseudo-terminal over a window of wall time, next to a bare
// Ink app in the same PTY setup, in the same run.
//
//   npm run build && node bench/tui-idle-cpu.mjs [--seconds 10] [--json]
//
// Four processes, one after another, each measured once it has drawn its first frame (ctidesk:
// once the local API is up) and settled for a second:
// - ctidesk logged out (nothing should tick) vs the bare Ink app showing static text;
// - ctidesk logged in and Ready with no calls (keys typed through the PTY: l, 101, Enter, r;
//   the 1 s duration clock ticks) vs the bare Ink app re-rendering a clock once a second.
// CPU = utime + stime of the process (all threads) from /proc/<pid>/stat, in % of one core.
// Bytes written to the terminal during the window show how much it redraws.
// Target: < 1 % of a core.
import {loadavg} from 'node:os';
import {setTimeout as sleep} from 'node:timers/promises';
import {cpuMs} from './lib/pty.mjs';
import {emitResult, figure, printReport} from './lib/report.mjs';
import {spawnBare, spawnCtidesk, toolbarMarker} from './lib/spawn-desk.mjs';
import {argument} from './lib/stats.mjs';

const TARGET_PERCENT = 1;
const seconds = Number(argument('seconds', '10'));

async function idle(pty, prepare) {
	try {
		await pty.waitFor(toolbarMarker);
		await prepare(pty);
		await sleep(1000);
		const pid = await pty.commandPid();
		const before = cpuMs(pid);
		const bytesBefore = pty.rawOutput().length;
		const started = performance.now();
		await sleep(seconds * 1000);
		const cpu = cpuMs(pid) - before;
		const elapsed = performance.now() - started;
		return {percent: (cpu / elapsed) * 100, cpu, bytes: pty.rawOutput().length - bytesBefore};
	} finally {
		await pty.stop(prepare === loggedIn ? 'q\ry' : 'q');
	}
}

async function nothing() {}

async function apiUp(pty) {
	await pty.waitFor(/API :\d+/);
}

async function loggedIn(pty) {
	await apiUp(pty);
	let mark = pty.mark();
	pty.write('l');
	await pty.waitFor('Password for', 10_000, mark);
	mark = pty.mark();
	pty.write('101\r');
	await pty.waitFor('● Away', 15_000, mark);
	mark = pty.mark();
	pty.write('r');
	await pty.waitFor('● Ready', 10_000, mark);
}

const bareStatic = await idle(spawnBare(), nothing);
const loggedOut = await idle(await spawnCtidesk(), apiUp);
const bareTick = await idle(spawnBare({tick: true}), nothing);
const ready = await idle(await spawnCtidesk(), loggedIn);

const figures = [
	figure(
		`idle CPU, logged out (${seconds} s)`,
		loggedOut.percent,
		'%',
		bareStatic.percent,
		`< ${TARGET_PERCENT} %`,
		loggedOut.percent < TARGET_PERCENT,
	),
	figure(
		`idle CPU, Ready, no calls (${seconds} s)`,
		ready.percent,
		'%',
		bareTick.percent,
		`< ${TARGET_PERCENT} %`,
		ready.percent < TARGET_PERCENT,
	),
	figure('bytes drawn while logged out', loggedOut.bytes, 'B', bareStatic.bytes, '—', null, 0),
	figure('bytes drawn while Ready', ready.bytes, 'B', bareTick.bytes, '—', null, 0),
];
const notes = [
	'baselines: a bare Ink app with static text (logged out), and the same app re-rendering a clock every second (Ready)',
	`CPU ms in the window: ctidesk ${loggedOut.cpu} / ${ready.cpu}, bare ${bareStatic.cpu} / ${bareTick.cpu} (10 ms resolution)`,
	`load average at the end ${loadavg()
		.map((value) => value.toFixed(2))
		.join(' ')}`,
];
printReport(`TUI idle CPU over ${seconds} s (PTY 80×24)`, figures, notes);
emitResult('tui-idle-cpu', figures, notes);
