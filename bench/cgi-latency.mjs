// What a CRM user feels of the local API: the latency of one click, and a desk that never
// freezes. Measured against a bare Koa app answering a constant, in the same run.
//
//   npm run build && node bench/cgi-latency.mjs [--paced 200] [--seconds 1] [--windows 4] [--bursts 5] [--json]
//   BENCH_PROFILE=<dir> also writes a V8 CPU profile of the ctidesk server.
//
// Each server runs alone in a child process (lib/cgi-servers.mjs: ctidesk exactly as the app
// wires it — guards with the same-user check on, strict parameters, session, simulator, request
// log to a real log file — and `new Koa()` answering a constant). The client (this process):
// 1. At a CRM's pace: one request every 50 ms on one keep-alive connection, alternating
//    `call.cgi?number=…&format=json` and `hangup.cgi`; call.cgi's p50/p99.
//    Target: ctidesk's p99 ≤ 2× the bare app's p99.
// 2. Under load: 8 keep-alive connections sending back to back, in short windows taking turns
//    between the servers (a spell of load from elsewhere falls on both alike); call.cgi's p50/p99
//    and requests/s. Targets: p99 ≤ 2× bare; throughput ≥ 0.3× bare (a floor: a CRM sends a
//    request per click, far below either).
// 3. A burst of 50 new connections at once, each asking status.cgi (with ctidesk, each new
//    connection is checked against /proc/net/tcp for the same user); the server's longest
//    event-loop block meanwhile, from monitorEventLoopDelay (the median burst of --bursts, so a
//    stray stall of the shared machine does not decide it). Target: ≤ 2 ms.
import {fork} from 'node:child_process';
import {connect} from 'node:net';
import {monitorEventLoopDelay} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {listenBareKoa, listenCtidesk} from './lib/cgi-servers.mjs';
import {emitResult, figure, printReport} from './lib/report.mjs';
import {argument, median, summarize} from './lib/stats.mjs';

const callPath = '/cgi-bin/call.cgi?number=139001&format=json';
const hangupPath = '/cgi-bin/hangup.cgi?format=json';
const paceMs = 50;

// ---------------------------------------------------------------- servers (child processes)

async function serve(role) {
	const server = role === 'ctidesk' ? await listenCtidesk() : await listenBareKoa();
	// The longest event-loop block during a burst: the client resets the histogram before it and
	// reads the maximum after it.
	const delay = monitorEventLoopDelay({resolution: 1});
	delay.enable();
	let cpuAtReset = process.cpuUsage();
	process.on('message', (message) => {
		if (message === 'reset') {
			delay.reset();
			cpuAtReset = process.cpuUsage();
			process.send({reset: true});
		} else if (message === 'delay') {
			const cpu = process.cpuUsage(cpuAtReset);
			process.send({maxMs: delay.max / 1e6, cpuMs: (cpu.user + cpu.system) / 1000});
		}
	});
	process.on('disconnect', () => {
		server.removeLogDir();
		process.exit(0);
	});
	process.send({port: server.port});
}

function startChild(role) {
	return new Promise((resolve, reject) => {
		// BENCH_PROFILE=<dir> writes a V8 CPU profile of the ctidesk server there.
		const profile = process.env.BENCH_PROFILE && role === 'ctidesk' ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : [];
		const child = fork(fileURLToPath(import.meta.url), ['--serve', role], {stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: profile});
		child.once('message', ({port}) => resolve({role, child, port}));
		child.once('error', reject);
		child.once('exit', (code) => reject(new Error(`${role} server exited with ${code}`)));
	});
}

function ask(child, message) {
	return new Promise((resolve) => {
		child.once('message', resolve);
		child.send(message);
	});
}

// ---------------------------------------------------------------- client

/** One keep-alive connection: `next()` gives the path to send or null to stop; `record(path, ms, status)`. */
function runConnection(port, next, record) {
	return new Promise((resolve, reject) => {
		const socket = connect({host: '127.0.0.1', port, noDelay: true});
		let path = null;
		let sentAt = 0;
		let buffer = Buffer.alloc(0);
		const send = async () => {
			path = await next();
			if (path === null) {
				socket.end();
				return resolve();
			}
			sentAt = performance.now();
			socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: application/json\r\n\r\n`);
		};
		socket.on('connect', send);
		socket.on('error', reject);
		socket.on('data', (chunk) => {
			buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
			const end = buffer.indexOf('\r\n\r\n');
			if (end === -1) return;
			const head = buffer.subarray(0, end).toString('latin1');
			const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
			if (buffer.length < end + 4 + length) return;
			const status = Number(head.slice(9, 12));
			buffer = buffer.subarray(end + 4 + length);
			if (status >= 500) return reject(new Error(`${path} answered ${status}`));
			record(path, performance.now() - sentAt, status);
			void send();
		});
	});
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** call.cgi latencies at one request every 50 ms (call and hangup alternating). */
async function paced(port, requests) {
	const latencies = [];
	let sent = 0;
	let due = performance.now();
	await runConnection(
		port,
		async () => {
			if (sent === requests) return null;
			due += paceMs;
			await sleep(Math.max(0, due - performance.now()));
			return sent++ % 2 === 0 ? callPath : hangupPath;
		},
		(path, ms) => path === callPath && latencies.push(ms),
	);
	return latencies;
}

/** call.cgi latencies and requests/s with 8 connections sending back to back for `seconds`. */
async function busy(port, seconds, connections = 8) {
	const latencies = [];
	let requests = 0;
	const started = performance.now();
	const deadline = started + seconds * 1000;
	await Promise.all(
		Array.from({length: connections}, () => {
			let turn = 0;
			return runConnection(
				port,
				() => (performance.now() >= deadline ? null : turn++ % 2 === 0 ? callPath : hangupPath),
				(path, ms) => {
					requests += 1;
					if (path === callPath) latencies.push(ms);
				},
			);
		}),
	);
	return {latencies, rps: requests / ((performance.now() - started) / 1000)};
}

/** 50 new connections at once, each one status.cgi request; the server's longest block meanwhile. */
async function burst(server, count = 50) {
	await ask(server.child, 'reset');
	await Promise.all(
		Array.from({length: count}, () => {
			let asked = false;
			return runConnection(
				server.port,
				() => (asked ? null : ((asked = true), '/cgi-bin/status.cgi?format=json')),
				() => undefined,
			);
		}),
	);
	// Let the server finish closing the sockets before reading the histogram.
	await sleep(20);
	return ask(server.child, 'delay');
}

async function main() {
	const pacedRequests = Number(argument('paced', 200));
	const seconds = Number(argument('seconds', 1));
	const windows = Number(argument('windows', 4));
	const bursts = Number(argument('bursts', 5));
	const servers = [await startChild('bare'), await startChild('ctidesk')];
	const result = {bare: {paced: [], busy: [], rps: [], blocks: [], burstCpu: []}, ctidesk: {paced: [], busy: [], rps: [], blocks: [], burstCpu: []}};
	try {
		// Warm up: V8 optimises both servers before anything is measured.
		for (const server of servers) await busy(server.port, 1);
		for (const server of servers) result[server.role].paced = await paced(server.port, pacedRequests);
		for (let window = 0; window < windows; window += 1) {
			for (const server of servers) {
				const {latencies, rps} = await busy(server.port, seconds);
				result[server.role].busy.push(...latencies);
				result[server.role].rps.push(rps);
			}
		}
		for (let round = 0; round < bursts; round += 1) {
			for (const server of servers) {
				const {maxMs, cpuMs} = await burst(server);
				result[server.role].blocks.push(maxMs);
				result[server.role].burstCpu.push(cpuMs);
			}
		}
	} finally {
		for (const {child} of servers) {
			child.removeAllListeners('exit');
			child.disconnect();
		}
	}
	const {bare, ctidesk} = result;
	const pacedOf = (role) => summarize(result[role].paced);
	const busyOf = (role) => summarize(result[role].busy);
	const [pacedBare, pacedDesk, busyBare, busyDesk] = [pacedOf('bare'), pacedOf('ctidesk'), busyOf('bare'), busyOf('ctidesk')];
	const rpsBare = median(bare.rps);
	const rpsDesk = median(ctidesk.rps);
	const blockBare = median(bare.blocks);
	const blockDesk = median(ctidesk.blocks);
	const figures = [
		figure('call.cgi p50, 1 request / 50 ms', pacedDesk.p50, 'ms', pacedBare.p50, '—', null, 3),
		figure('call.cgi p99, 1 request / 50 ms', pacedDesk.p99, 'ms', pacedBare.p99, '≤ 2× bare', pacedDesk.p99 <= 2 * pacedBare.p99, 3),
		figure('call.cgi p50, 8 busy connections', busyDesk.p50, 'ms', busyBare.p50, '—', null, 3),
		figure('call.cgi p99, 8 busy connections', busyDesk.p99, 'ms', busyBare.p99, '≤ 2× bare', busyDesk.p99 <= 2 * busyBare.p99, 3),
		figure('requests/s, 8 busy connections (median window)', rpsDesk, 'req/s', rpsBare, '≥ 0.3× bare', rpsDesk >= 0.3 * rpsBare, 0),
		figure('longest event-loop block, 50 new connections', blockDesk, 'ms', blockBare, '≤ 2 ms', blockDesk <= 2, 2),
	];
	const notes = [
		`${pacedRequests} requests paced at ${paceMs} ms (${pacedDesk.n} call.cgi measured per server); ${windows} busy windows of ${seconds} s per server, taking turns`,
		`p99 ratios: paced ${(pacedDesk.p99 / pacedBare.p99).toFixed(2)}×, busy ${(busyDesk.p99 / busyBare.p99).toFixed(2)}×; throughput ${(rpsDesk / rpsBare).toFixed(2)}× bare`,
		`longest block per burst (ms), ctidesk: ${ctidesk.blocks.map((ms) => ms.toFixed(2)).join(', ')}; bare: ${bare.blocks.map((ms) => ms.toFixed(2)).join(', ')}`,
		`server CPU per burst of 50 (median ms): ctidesk ${median(ctidesk.burstCpu).toFixed(1)}, bare ${median(bare.burstCpu).toFixed(1)}`,
		'with several busy connections and one agent, some call.cgi meet a call already up (409): they still pass every guard and the session check',
	];
	printReport(`cgi-latency — node ${process.version}`, figures, notes);
	emitResult('cgi-latency', figures, notes);
}

const serving = process.argv.indexOf('--serve');
if (serving === -1) await main();
else await serve(process.argv[serving + 1]);
