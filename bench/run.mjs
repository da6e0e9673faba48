// npm run bench: the TUI benches, then the other bench scripts that exist, each in its own
// child process (a fresh heap and module cache each), then one summary table.
//
//   npm run bench                 (reduced sizes: a few minutes)
//   node bench/run.mjs --full     (each script's own default sizes)
//   node bench/run.mjs --only tui-render,pop-latency
//
// Figures only: a target that is not met is reported, not fatal. The exit code is non-zero
// only when a bench crashed (died, timed out, or exited non-zero without printing a verdict).
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {cpus, loadavg} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {argument, fixed, formatTable, verdict} from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const full = process.argv.includes('--full');
const only = argument('only', null)?.split(',');

/** name, file, arguments (reduced / full), node flags, extra environment, time limit. */
const benches = [
	{
		name: 'tui-render',
		file: 'tui-render.mjs',
		reduced: ['--frames', '300'],
		full: ['--frames', '1000'],
		own: true,
		minutes: 3,
	},
	{
		name: 'tui-render (production React)',
		file: 'tui-render.mjs',
		reduced: ['--frames', '300'],
		full: ['--frames', '1000'],
		env: {NODE_ENV: 'production'},
		own: true,
		minutes: 3,
	},
	{name: 'tui-idle-cpu', file: 'tui-idle-cpu.mjs', reduced: [], full: [], own: true, minutes: 3},
	{
		name: 'tui-startup',
		file: 'tui-startup.mjs',
		reduced: ['--runs', '5'],
		full: ['--runs', '9'],
		own: true,
		minutes: 3,
	},
	{
		name: 'tui-memory',
		file: 'tui-memory.mjs',
		reduced: [],
		full: [],
		node: ['--expose-gc'],
		own: true,
		minutes: 5,
	},
	{name: 'ami-parser', file: 'ami-parser.mjs', reduced: ['--mb', '10'], full: [], minutes: 10},
	{
		name: 'ami-reconnect',
		file: 'ami-reconnect.mjs',
		reduced: ['--outages', '1,5,20'],
		full: ['--outages', '1,5,20'],
		own: true,
		minutes: 4,
	},
	{
		name: 'cgi-latency',
		file: 'cgi-latency.mjs',
		reduced: ['--paced', '200', '--windows', '3', '--bursts', '7'],
		full: [],
		own: true,
		minutes: 5,
	},
	{
		name: 'pop-latency',
		file: 'pop-latency.mjs',
		reduced: ['--calls', '2000'],
		full: [],
		minutes: 5,
	},
	{
		name: 'managed-pop',
		file: 'managed-pop.mjs',
		reduced: ['--calls', '100'],
		full: ['--calls', '500'],
		own: true,
		minutes: 5,
	},
];

function runBench(bench) {
	return new Promise((resolve) => {
		const args = [
			...(bench.node ?? []),
			join(here, bench.file),
			...(full ? bench.full : bench.reduced),
			...(bench.own ? ['--json'] : []),
		];
		const started = performance.now();
		const child = spawn(process.execPath, args, {
			cwd: join(here, '..'),
			env: {...process.env, ...bench.env},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		let results = [];
		let pending = '';
		child.stdout.on('data', (chunk) => {
			pending += chunk.toString('utf8');
			const lines = pending.split('\n');
			pending = lines.pop();
			for (const line of lines) {
				if (line.startsWith('@@result ')) results.push(JSON.parse(line.slice('@@result '.length)));
				else {
					output += `${line}\n`;
					process.stdout.write(`${line}\n`);
				}
			}
		});
		child.stderr.on('data', (chunk) => {
			output += chunk.toString('utf8');
			process.stderr.write(chunk);
		});
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGTERM');
		}, bench.minutes * 60_000);
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			if (pending) output += pending;
			resolve({
				code,
				signal,
				timedOut,
				output,
				results,
				seconds: (performance.now() - started) / 1000,
			});
		});
	});
}

/** Verdict lines of the scripts that print their own format ("target … PASS/met"). */
function verdictLines(output) {
	return output
		.split('\n')
		.filter((line) => /target/i.test(line) && /\b(PASS|FAIL|met)\b/i.test(line))
		.map((line) => line.trim().replace(/\s+/g, ' '));
}

process.stdout.write(
	`ctidesk benches — ${full ? 'full' : 'reduced'} sizes — node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()
		.map((value) => value.toFixed(2))
		.join(' ')}\n`,
);
if (!existsSync(join(here, '..', 'dist', 'cli.js'))) {
	process.stderr.write('dist/cli.js is missing: run `npm run build` first (npm run bench does).\n');
	process.exit(2);
}

const summary = [];
const crashed = [];
for (const bench of benches) {
	if (only && !only.some((name) => bench.name.startsWith(name))) continue;
	if (!existsSync(join(here, bench.file))) continue;
	process.stdout.write(`\n━━ ${bench.name} ━━\n`);
	const run = await runBench(bench);
	const verdicts = bench.own ? [] : verdictLines(run.output);
	const died =
		run.timedOut || run.signal !== null || (run.code !== 0 && (bench.own || verdicts.length === 0));
	if (died) {
		crashed.push(bench.name);
		summary.push([
			bench.name,
			run.timedOut ? 'timed out' : `crashed (${run.signal ?? `exit ${run.code}`})`,
			'',
			'',
			'',
			'CRASH',
		]);
		continue;
	}
	for (const result of run.results)
		for (const item of result.figures) {
			if (item.pass === null) continue;
			summary.push([
				bench.name,
				item.name.trim(),
				`${fixed(item.value, item.digits)} ${item.unit}`,
				item.baseline === null ? '—' : `${fixed(item.baseline, item.digits)} ${item.unit}`,
				item.target,
				verdict(item.pass),
			]);
		}
	for (const line of verdicts) {
		const pass = /\b(PASS|MET)\b/.test(line) && !/\bNOT\s+MET\b|\bFAIL\b/i.test(line);
		summary.push([
			bench.name,
			line.length > 70 ? `${line.slice(0, 67)}…` : line,
			'',
			'',
			'',
			pass ? 'PASS' : 'FAIL',
		]);
	}
	if (!bench.own && verdicts.length === 0)
		summary.push([
			bench.name,
			`finished in ${run.seconds.toFixed(0)} s (no verdict line found)`,
			'',
			'',
			'',
			'info',
		]);
}

process.stdout.write(
	`\n━━ summary ━━\n${formatTable(['bench', 'figure', 'ctidesk', 'baseline', 'target', 'result'], summary)}\n`,
);
if (crashed.length > 0) {
	process.stderr.write(`\n${crashed.length} bench(es) crashed: ${crashed.join(', ')}\n`);
	process.exit(1);
}
