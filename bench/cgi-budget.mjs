// Where the time of a call.cgi + hangup.cgi pair goes, without sockets: each server's request
// handler is driven in-process through Node's own IncomingMessage and ServerResponse on a fake
// socket that swallows the bytes, so the kernel's loopback TCP (about half of the CPU time in
// cgi-throughput.mjs) drops out, and the figures repeat to a few percent on a quiet machine
// (load from elsewhere still slows every server alike: read the ratios and the budget).
//
//   npm run build && node bench/cgi-budget.mjs [--pairs 20000] [--rounds 5] [--passes 2] [--json]
//
// Servers (bench/lib/cgi-servers.mjs), each in its own child process, taking turns:
// - bare Koa answering a constant: the baseline of cgi-throughput.mjs's target;
// - node:http + the session: the session and simulator with nothing around them;
// - ctidesk without the log file: every layer, the activity log (the Events tab) included;
// - ctidesk as the app wires it: the same plus the log file line of every request.
// The same-user check is off here (a fake socket is not in /proc/net/tcp); it costs one table
// read per connection, not per request, and cgi-throughput.mjs runs it live.
//
// The figure to read is the budget: the cost per pair that would give 0.8× the bare app's
// throughput, against what the session and the local API's required parts take. This bench has
// no target of its own: cgi-throughput.mjs holds it, on real sockets.
import {fork} from 'node:child_process';
import {IncomingMessage, ServerResponse} from 'node:http';
import {Duplex} from 'node:stream';
import {fileURLToPath} from 'node:url';
import {bareKoaHandler, benchPaths, ctideskHandler, sessionOnlyHandler} from './lib/cgi-servers.mjs';

const TARGET = 0.8;

function argument(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : process.argv[index + 1];
}

const roles = {
	bare: {label: 'bare Koa, a constant', handler: async () => ({handler: await bareKoaHandler()})},
	session: {label: 'node:http + session only', handler: async () => ({handler: await sessionOnlyHandler()})},
	quiet: {label: 'ctidesk without the log file', handler: () => ctideskHandler({logFile: false, sameUserOnly: false})},
	ctidesk: {label: 'ctidesk as the app wires it', handler: () => ctideskHandler({sameUserOnly: false})},
};

// ---------------------------------------------------------------- one server (child process)

/** A connected loopback socket as the handler sees it; what is written to it is counted and dropped. */
class FakeSocket extends Duplex {
	constructor() {
		super();
		Object.assign(this, {remoteAddress: '127.0.0.1', remotePort: 40000, localAddress: '127.0.0.1', localPort: 18080, bytesOut: 0});
	}
	_write(chunk, _encoding, callback) {
		this.bytesOut += chunk.length;
		callback();
	}
	_writev(chunks, callback) {
		for (const {chunk} of chunks) this.bytesOut += chunk.length;
		callback();
	}
	_read() {}
	setNoDelay() {}
	setKeepAlive() {}
	setTimeout() {}
}

/** One GET through the handler, as node:http would hand it over; resolves with the status. */
function request(handler, socket, url) {
	return new Promise((resolve) => {
		const req = new IncomingMessage(socket);
		Object.assign(req, {method: 'GET', url, httpVersionMajor: 1, httpVersionMinor: 1, httpVersion: '1.1', complete: true});
		req.rawHeaders = ['Host', '127.0.0.1:18080', 'Accept', 'application/json'];
		req.headers = {host: '127.0.0.1:18080', accept: 'application/json'};
		req.push(null);
		const res = new ServerResponse(req);
		res.assignSocket(socket);
		res.on('finish', () => {
			res.detachSocket(socket);
			resolve(res.statusCode);
		});
		handler(req, res);
	});
}

async function measureRole(role, pairs, rounds) {
	const {handler, removeLogDir} = await roles[role].handler();
	const socket = new FakeSocket();
	const statuses = {};
	const perPair = [];
	// Two rounds of warm-up, so V8 has optimised the handler before anything is timed.
	for (let round = 0; round < rounds + 2; round += 1) {
		const bytesBefore = socket.bytesOut;
		const started = process.cpuUsage();
		for (let index = 0; index < pairs; index += 1) {
			// The loop runs on promises alone: let timers and I/O in now and then, as a server's
			// event loop would (the log file's batch is written on a timer).
			if (index % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
			for (const path of benchPaths) {
				const status = await request(handler, socket, path);
				statuses[status] = (statuses[status] ?? 0) + 1;
			}
		}
		const used = process.cpuUsage(started);
		if (round >= 2) perPair.push({us: (used.user + used.system) / pairs, bytes: (socket.bytesOut - bytesBefore) / pairs});
	}
	removeLogDir?.();
	return {perPair, statuses};
}

// ---------------------------------------------------------------- the comparison

function runChild(role, pairs, rounds) {
	return new Promise((resolve, reject) => {
		const child = fork(fileURLToPath(import.meta.url), ['--role', role, '--pairs', String(pairs), '--rounds', String(rounds)], {
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		child.once('message', resolve);
		child.once('error', reject);
		child.once('exit', (code) => (code === 0 ? null : reject(new Error(`${role} exited with ${code}`))));
	});
}

async function main() {
	const pairs = Number(argument('pairs', 20000));
	const rounds = Number(argument('rounds', 5));
	const passes = Number(argument('passes', 2));
	const results = Object.fromEntries(Object.keys(roles).map((role) => [role, {us: [], bytes: 0, statuses: {}}]));
	for (let pass = 0; pass < passes; pass += 1) {
		for (const role of Object.keys(roles)) {
			const {perPair, statuses} = await runChild(role, pairs, rounds);
			const result = results[role];
			result.us.push(...perPair.map((round) => round.us));
			result.bytes = perPair[0].bytes;
			for (const [status, count] of Object.entries(statuses)) result.statuses[status] = (result.statuses[status] ?? 0) + count;
		}
	}
	for (const [role, result] of Object.entries(results)) {
		const refused = Object.keys(result.statuses).filter((status) => status !== '200');
		if (refused.length > 0) throw new Error(`${role} answered ${JSON.stringify(result.statuses)}: every request should succeed in order`);
		result.us.sort((a, b) => a - b);
		result.best = result.us[0];
		result.median = result.us[result.us.length >> 1];
	}
	const {bare, session, quiet, ctidesk} = results;
	const budget = bare.best / TARGET;
	if (process.argv.includes('--json')) {
		console.log(JSON.stringify({pairs, rounds, passes, target: TARGET, budget, results}, null, 2));
		return;
	}
	const fmt = (value, digits = 1) => value.toFixed(digits);
	const rows = [['', 'CPU µs per pair, best', 'median', 'throughput vs bare Koa', 'bytes out per pair']];
	for (const role of Object.keys(roles)) {
		const result = results[role];
		rows.push([roles[role].label, fmt(result.best), fmt(result.median), `${fmt(bare.best / result.best, 2)}×`, fmt(result.bytes, 0)]);
	}
	const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
	console.log(
		`call.cgi + hangup.cgi in-process (no sockets), ${pairs.toLocaleString('en-US')} pairs × ${rounds} rounds × ${passes} passes per server, node ${process.version}`,
	);
	for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('   '));
	console.log(
		[
			`Budget for ${TARGET}× the bare app: ${fmt(budget)} µs per pair.`,
			`The session and simulator alone take ${fmt(session.best)};`,
			`the local API's layers and the Events tab add ${fmt(quiet.best - session.best)},`,
			`the log file line ${fmt(ctidesk.best - quiet.best)}.`,
		].join(' '),
	);
}

const asRole = process.argv.indexOf('--role');
if (asRole === -1) {
	await main();
} else {
	process.send(await measureRole(process.argv[asRole + 1], Number(argument('pairs', 20000)), Number(argument('rounds', 5))));
	process.exit(0);
}
