// Back in the queue after Asterisk comes back (issue 12 item 5): a tiny AMI server on loopback
// refuses connections for N seconds (Asterisk down), then accepts again as a freshly started
// Asterisk does (the member is gone from QueueStatus). The figure is the time from "accepting
// again" to the driver's QueueAdd: the moment calls can reach the agent again.
//
// Side by side in the same run: ctidesk's reconnect policy (attempts at most 1 s apart) and the
// policy before it (doubling up to 15 s), which put agents back 1.6 to 10 s late on a real PBX.
//
//   node bench/ami-reconnect.mjs [--outages 1,5,20] [--json]
import {createServer} from 'node:net';
import {createAmiConnection} from '../dist/cti/asterisk/ami/connection.js';
import {createAsteriskDriver} from '../dist/cti/asterisk/asterisk-driver.js';
import {systemClock} from '../dist/cti/driver.js';
import {defaultConfig} from '../dist/config/schema.js';
import {emitResult, figure, printReport} from './lib/report.mjs';
import {argument} from './lib/stats.mjs';

const outages = argument('outages', '1,5,20').split(',').map(Number);
const targetMs = 2000;

/** The least of Asterisk: banner, Login, the lists the driver asks for, QueueAdd. */
function startFakeAsterisk(port, onQueueAdd) {
	const sockets = new Set();
	const server = createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
		socket.write('Asterisk Call Manager/11.0.0\r\n');
		let buffer = '';
		socket.on('data', (chunk) => {
			buffer += chunk.toString('latin1');
			let end;
			while ((end = buffer.indexOf('\r\n\r\n')) !== -1) {
				const block = buffer.slice(0, end);
				buffer = buffer.slice(end + 4);
				const fields = Object.fromEntries(
					block
						.split('\r\n')
						.map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
				);
				const id = fields.ActionID;
				const reply = (lines) => socket.write(`${lines.join('\r\n')}\r\n\r\n`);
				switch (fields.Action) {
					case 'QueueStatus':
					case 'CoreShowChannels': {
						const complete =
							fields.Action === 'QueueStatus' ? 'QueueStatusComplete' : 'CoreShowChannelsComplete';
						reply([
							'Response: Success',
							`ActionID: ${id}`,
							'EventList: start',
							'Message: List will follow',
						]);
						reply([`Event: ${complete}`, `ActionID: ${id}`, 'EventList: Complete', 'ListItems: 0']);
						break;
					}
					case 'QueueAdd':
						onQueueAdd(performance.now());
						reply(['Response: Success', `ActionID: ${id}`, 'Message: Added interface to queue']);
						break;
					case 'Logoff':
						reply(['Response: Goodbye', `ActionID: ${id}`, 'Message: Thanks for all the fish.']);
						socket.end();
						break;
					case 'Ping':
						reply(['Response: Success', `ActionID: ${id}`, 'Ping: Pong']);
						break;
					default:
						reply(['Response: Success', `ActionID: ${id}`, 'Message: Authentication accepted']);
				}
			}
		});
	});
	return new Promise((resolve) =>
		server.listen(port, '127.0.0.1', () =>
			resolve({
				port: server.address().port,
				/** `core stop now`: drop every client and stop listening. */
				stop: () =>
					new Promise((done) => {
						for (const socket of sockets) socket.destroy();
						server.close(() => done());
					}),
			}),
		),
	);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One outage of `seconds`; returns ms from "accepting again" to QueueAdd. */
async function measure(seconds, reconnectPolicy) {
	let queueAddAt = null;
	let listener = await startFakeAsterisk(0, (at) => (queueAddAt = at));
	const port = listener.port;
	const config = {
		...defaultConfig().pbx.asterisk,
		port,
		username: 'ctidesk',
		secret: 'ctidesk',
		interface: 'Local/101@agent-phone',
		queues: ['support'],
		pingSeconds: 0,
	};
	const connection = createAmiConnection({
		host: '127.0.0.1',
		port,
		username: 'ctidesk',
		secret: 'ctidesk',
		pingIntervalMs: 0,
		clock: systemClock,
		...(reconnectPolicy ? {reconnect: reconnectPolicy} : {}),
	});
	const driver = createAsteriskDriver({config, clock: systemClock, connection});
	await driver.connect();
	const login = await driver.login({
		user: '101',
		agentId: '1',
		empId: '001',
		extension: '101',
		groups: ['support'],
	});
	if (!login.ok) throw new Error(`login failed: ${login.message}`);
	await listener.stop();
	queueAddAt = null;
	await sleep(seconds * 1000);
	listener = await startFakeAsterisk(port, (at) => (queueAddAt = at));
	const acceptingAt = performance.now();
	const deadline = acceptingAt + 30_000;
	while (queueAddAt === null && performance.now() < deadline) await sleep(5);
	await driver.disconnect();
	await listener.stop();
	return queueAddAt === null ? Infinity : queueAddAt - acceptingAt;
}

const figures = [];
const before = {maxDelayMs: 15_000};
for (const seconds of outages) {
	const now = await measure(seconds, null);
	const old = await measure(seconds, before);
	figures.push(
		figure(
			`Asterisk down ${seconds} s → back in the queue`,
			now,
			'ms',
			old,
			`≤ ${targetMs} ms`,
			now <= targetMs,
			0,
		),
	);
}
printReport(
	'AMI reconnect: Asterisk accepts again → QueueAdd (baseline: the old 15 s backoff cap)',
	figures,
	[
		'Each outage is measured once per policy on loopback; the wait is the reconnect backoff, so it repeats to within a few ms.',
	],
);
emitResult('ami-reconnect', figures);
