// call.cgi throughput and latency of the local API against a bare Koa app, in the same run.
//
//   npm run build && node bench/cgi-throughput.mjs [--connections 8] [--seconds 1] [--windows 12] [--json]
//
// Each server runs alone in a child process (so the client never steals its CPU), built by
// lib/cgi-servers.mjs:
// - ctidesk: the real createServer + listenServer over the real session store and the embedded
//   simulator (system clock, no arrivals, no wrap-up), the demo agent logged in and ready, a
//   real pino file logger and the activity log, exactly as the app wires them;
// - bare: `new Koa()` with one middleware answering a constant JSON body.
// The client (this process) keeps N keep-alive connections busy with a tiny HTTP/1.1 loop over
// raw sockets. Every connection alternates `call.cgi?number=…&format=json` and
// `hangup.cgi?format=json` (the simulator answers both at once), and only the call.cgi
// requests are measured. With one agent and several connections some call.cgi requests meet
// a call that is already up and are refused (409) by the session: they still run every guard,
// the parameter checks and the session's command check; the table shows how many.
// A third server, node:http + the same session with no guards, parsing or logging (what ctidesk's
// /cgi-bin path is built on), shows how much of the gap is the session and simulator themselves
// and how much the local API's own layers.
// All three get the same client, the same connection count and the same request sequence, and
// each runs in its own process, started once and warmed up. The measurement is many short
// windows that take turns between the servers (only one is loaded at a time), so a spell of
// load from elsewhere on a shared machine falls on all of them alike instead of on one long
// round; the best window of each is reported and the median window too, and the server's CPU
// time per request (from the child's process.cpuUsage) as well.
// BENCH_PROFILE=<dir> writes a V8 CPU profile of the ctidesk server (BENCH_PROFILE_ROLE=bare or
// session: of that server instead).
// Target: ctidesk ≥ 0.8× the bare app's call.cgi requests per second.
// cgi-budget.mjs runs the same handlers without sockets, where the figures repeat far better,
// and says where the time of a pair goes.
import {fork} from 'node:child_process';
import {connect} from 'node:net';
import {fileURLToPath} from 'node:url';
import {bareKoaHandler, benchPaths, ctideskHandler, sessionOnlyHandler} from './lib/cgi-servers.mjs';

const TARGET = 0.8;

function argument(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : process.argv[index + 1];
}

// ---------------------------------------------------------------- servers (child processes)

async function serveCtidesk() {
	const {listenServer} = await import('../dist/server/listen.js');
	const {handler, deps, removeLogDir} = await ctideskHandler();
	const listening = await listenServer(handler, {...deps, port: 0});
	if (listening.error) throw new Error(listening.error.message);
	process.on('disconnect', () => {
		removeLogDir();
		process.exit(0);
	});
	return listening.port;
}

/** Listens on 127.0.0.1 with a node:http server and says where. */
async function listenOn(handler) {
	const {createServer} = await import('node:http');
	const server = createServer(handler);
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	process.on('disconnect', () => process.exit(0));
	return server.address().port;
}

// ---------------------------------------------------------------- client

/** One keep-alive connection that sends `paths` in turn and records call.cgi latencies. */
function runConnection(port, paths, deadline, record) {
	return new Promise((resolve, reject) => {
		const socket = connect({host: '127.0.0.1', port, noDelay: true});
		const requests = paths.map((path) => Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: application/json\r\n\r\n`));
		let index = 0;
		let sentAt = 0;
		let buffer = Buffer.alloc(0);
		const send = () => {
			if (performance.now() >= deadline) {
				socket.end();
				return resolve();
			}
			sentAt = performance.now();
			socket.write(requests[index % requests.length]);
		};
		socket.on('connect', send);
		socket.on('error', reject);
		socket.on('data', (chunk) => {
			buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
			for (;;) {
				const end = buffer.indexOf('\r\n\r\n');
				if (end === -1) return;
				const head = buffer.subarray(0, end).toString('latin1');
				const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
				if (buffer.length < end + 4 + length) return;
				const status = Number(head.slice(9, 12));
				buffer = buffer.subarray(end + 4 + length);
				if (index % requests.length === 0) record(performance.now() - sentAt, status);
				else if (status >= 500) return reject(new Error(`hangup.cgi answered ${status}`));
				index += 1;
				send();
			}
		});
	});
}

function cpuOf(child) {
	return new Promise((resolve) => {
		child.once('message', (message) => resolve(message.cpu));
		child.send('cpu');
	});
}

const paths = benchPaths;

/** Lets V8 optimise a server before any window is measured. */
async function warmUp(port, connections) {
	await Promise.all(Array.from({length: connections}, () => runConnection(port, paths, performance.now() + 1000, () => {})));
}

async function measure(child, port, connections, seconds) {
	const latencies = [];
	const statuses = new Map();
	const cpuBefore = await cpuOf(child);
	const started = performance.now();
	const deadline = started + seconds * 1000;
	await Promise.all(
		Array.from({length: connections}, () =>
			runConnection(port, paths, deadline, (ms, status) => {
				latencies.push(ms);
				statuses.set(status, (statuses.get(status) ?? 0) + 1);
			}),
		),
	);
	const elapsed = (performance.now() - started) / 1000;
	// Server CPU per call.cgi + hangup.cgi pair, in microseconds.
	const cpuPerPair = ((await cpuOf(child)) - cpuBefore) / latencies.length;
	latencies.sort((a, b) => a - b);
	const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
	return {rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), cpuPerPair, count: latencies.length, statuses: Object.fromEntries(statuses)};
}

function startChild(role) {
	return new Promise((resolve, reject) => {
		// BENCH_PROFILE=<dir> writes a V8 CPU profile of the ctidesk server there (BENCH_PROFILE_ROLE=bare|session: of that one).
		const profiled = process.env.BENCH_PROFILE && role === (process.env.BENCH_PROFILE_ROLE || 'ctidesk');
		const profile = profiled ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : [];
		const child = fork(fileURLToPath(import.meta.url), ['--serve', role], {stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: profile});
		child.once('message', (port) => resolve({child, port}));
		child.once('error', reject);
		child.once('exit', (code) => reject(new Error(`${role} server exited with ${code}`)));
	});
}

async function main() {
	const connections = Number(argument('connections', 8));
	const seconds = Number(argument('seconds', 1));
	const windows = Number(argument('windows', 12));
	const roles = ['bare', 'session', 'ctidesk'];
	const best = {bare: null, session: null, ctidesk: null};
	const all = {bare: [], session: [], ctidesk: []};
	const servers = [];
	for (const role of roles) servers.push({role, ...(await startChild(role))});
	try {
		for (const {port} of servers) await warmUp(port, connections);
		for (let window = 0; window < windows; window += 1) {
			for (const {role, child, port} of servers) {
				const result = await measure(child, port, connections, seconds);
				all[role].push(result);
				if (!best[role] || result.rps > best[role].rps) best[role] = result;
			}
		}
	} finally {
		for (const {child} of servers) {
			child.removeAllListeners('exit');
			child.disconnect();
		}
	}
	const median = (role, key) => {
		const values = all[role].map((result) => result[key]).sort((a, b) => a - b);
		const middle = values.length >> 1;
		return values.length % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
	};
	const ratio = best.ctidesk.rps / best.bare.rps;
	const medianRatio = median('ctidesk', 'rps') / median('bare', 'rps');
	const verdict = ratio >= TARGET ? 'met' : 'NOT met';
	if (process.argv.includes('--json')) {
		console.log(JSON.stringify({connections, seconds, windows, ...best, ratio, medianRatio, windows_: all, target: TARGET}, null, 2));
		return;
	}
	const fmt = (value, digits = 0) => value.toLocaleString('en-US', {minimumFractionDigits: digits, maximumFractionDigits: digits});
	const {bare, session, ctidesk} = best;
	const rows = [
		['', 'ctidesk call.cgi', 'bare Koa', 'ctidesk / bare', 'node:http + session only'],
		['requests/s', fmt(ctidesk.rps), fmt(bare.rps), `${ratio.toFixed(2)}× (target ≥ ${TARGET}×: ${verdict})`, fmt(session.rps)],
		['p50 latency (ms)', fmt(ctidesk.p50, 3), fmt(bare.p50, 3), '', fmt(session.p50, 3)],
		['p99 latency (ms)', fmt(ctidesk.p99, 3), fmt(bare.p99, 3), '', fmt(session.p99, 3)],
		['server CPU µs per call+hangup', fmt(ctidesk.cpuPerPair), fmt(bare.cpuPerPair), `${(bare.cpuPerPair / ctidesk.cpuPerPair).toFixed(2)}×`, fmt(session.cpuPerPair)],
		['median window: requests/s', fmt(median('ctidesk', 'rps')), fmt(median('bare', 'rps')), `${medianRatio.toFixed(2)}×`, fmt(median('session', 'rps'))],
		['median window: CPU µs per pair', fmt(median('ctidesk', 'cpuPerPair')), fmt(median('bare', 'cpuPerPair')), '', fmt(median('session', 'cpuPerPair'))],
	];
	const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
	console.log(
		`call.cgi over ${connections} keep-alive connections, ${windows} windows of ${seconds} s per server taking turns (best window unless marked median), node ${process.version}; ` +
			'the same client, connection count and call/hangup sequence for all three servers, each in its own process',
	);
	for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('   '));
	console.log(
		`The session and simulator alone (node:http + session only) run at ${(session.rps / bare.rps).toFixed(2)}× the bare app; ` +
			`the local API's own layers (guards, strict parsing, replies, request log) keep ${(ctidesk.rps / session.rps).toFixed(2)}× of that.`,
	);
	const outcomes = Object.entries(best.ctidesk.statuses).map(([status, count]) => `${status}: ${fmt(count)}`).join(', ');
	console.log(`ctidesk call.cgi answers: ${outcomes} (409 = a call was already up: another connection's call)`);
}

const serving = process.argv.indexOf('--serve');
if (serving === -1) {
	await main();
} else {
	const role = process.argv[serving + 1];
	const port = role === 'ctidesk' ? await serveCtidesk() : await listenOn(role === 'session' ? await sessionOnlyHandler() : await bareKoaHandler());
	// The client asks for the server's CPU time around the measured window: on a busy machine
	// requests/s moves with the load, CPU time per request much less.
	process.on('message', (message) => {
		if (message === 'cpu') {
			const usage = process.cpuUsage();
			process.send({cpu: usage.user + usage.system});
		}
	});
	process.send(port);
}
