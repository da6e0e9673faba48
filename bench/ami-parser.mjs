// AMI bytes → parsed events, ctidesk's parser against the npm AMI clients, in the same run.
//
//   npm run build && node bench/ami-parser.mjs [--mb 100] [--json]
//
// Default 50 MB keeps a run under a minute (the slowest peer reads ~30-50k events/s); the issue's
// figure is --mb 100. (b) reports the best of 3 passes per parser, because other load on the
// machine only ever slows a pass down; the header prints the load average for that reason.
// The stream repeats every event message of the recorded captures (test/fixtures/asterisk-ami)
// up to --mb megabytes, then a `BenchEnd` sentinel event.
// (a) TCP: a local fake Asterisk sends the banner, accepts any Login, then writes the stream in
//     seeded random write sizes (1 B … 64 KiB) over loopback. Each client (ours: the real
//     createAmiConnection; peers: yana, ami-io, asterisk-manager) runs in its own child process,
//     so the peak RSS is its own.
// (b) In-process: the same buffers, pre-cut in the same random sizes, fed straight into each
//     parser (no socket), one child process each.
// Every receiver folds each event's fields into a checksum (count of fields + sum of FNV-1a
// hashes of `key\0value`, keys lower-cased), so a client that drops or mangles a field is
// reported as not intact, and parsing cannot be skipped lazily.
// Targets: (a) ≥ 3× the fastest peer, (b) ≥ 10× the fastest peer.
// Peers are installed on demand into bench/.peers (git-ignored), never into package.json.
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readFileSync, readdirSync} from 'node:fs';
import {createRequire} from 'node:module';
import {createServer} from 'node:net';
import {cpus, loadavg} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const fixturesDir = join(root, 'test/fixtures/asterisk-ami');
const peersDir = join(here, '.peers');
// --dist <dir> measures another build (e.g. a copy of the previous one) without touching dist/.
const distDir = argument('dist', join(root, 'dist'));
const distAmi = join(distDir, 'cti/asterisk/ami');
const PEERS = ['yana', 'ami-io', 'asterisk-manager'];
const IMPLEMENTATIONS = ['ctidesk', ...PEERS];
const TARGET_TCP = 3;
const TARGET_IN_PROCESS = 10;

// ---------------------------------------------------------------- shared helpers

function argument(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : process.argv[index + 1];
}

// mulberry32: the same seed gives the same write sizes in every process.
function seeded(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function fnv(text) {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

// Every field of every event goes into a cheap sum (key length and first letter, value length
// and last character), so each receiver must touch every field it was given; every 64th event
// also gets a full FNV-1a hash of each `key\0value`, so mangled content is caught too without
// letting the checksum's own cost swamp the parsers being measured. Keys are compared
// lower-case with '-' as '_' (ami-io renames Cause-txt to cause_txt: a spelling, not a loss).
function createChecksum() {
	let full = false;
	return {
		events: 0,
		fields: 0,
		sum: 0,
		hash: 0,
		event() {
			full = this.events % 64 === 0;
			this.events++;
		},
		add(key, value) {
			this.fields++;
			const last = value.length === 0 ? 0 : value.charCodeAt(value.length - 1);
			this.sum =
				(this.sum +
					key.length * 131 +
					((key.charCodeAt(0) | 0x20) << 8) +
					value.length * 7 +
					last) >>>
				0;
			if (full)
				this.hash = (this.hash + fnv(`${key.toLowerCase().replaceAll('-', '_')}\0${value}`)) >>> 0;
		},
		result() {
			return {events: this.events, fields: this.fields, sum: this.sum, hash: this.hash};
		},
	};
}

export function buildStream(megabytes) {
	const events = [];
	for (const name of readdirSync(fixturesDir)
		.filter((file) => file.endsWith('.ami'))
		.sort()) {
		const text = readFileSync(join(fixturesDir, name), 'latin1');
		for (const block of text.split('\r\n\r\n')) {
			const start = block.indexOf('Event: ');
			// The first block also holds the banner line: keep the event part only.
			if (start === -1 || (start > 0 && block[start - 1] !== '\n')) continue;
			// A Shutdown makes a correct client drop the link, so it has no place in a throughput run.
			if (block.startsWith('Event: Shutdown', start)) continue;
			events.push(Buffer.from(`${block.slice(start)}\r\n\r\n`, 'latin1'));
		}
	}
	const target = megabytes * 1024 * 1024;
	const parts = [];
	let size = 0;
	while (size < target) {
		for (const event of events) {
			parts.push(event);
			size += event.length;
			if (size >= target) break;
		}
	}
	parts.push(Buffer.from('Event: BenchEnd\r\n\r\n'));
	return Buffer.concat(parts);
}

// The reference view of the stream, independent of every implementation under test.
function expectedChecksum(stream) {
	const checksum = createChecksum();
	for (const block of stream.toString('latin1').split('\r\n\r\n')) {
		if (block === '' || block === 'Event: BenchEnd') continue;
		checksum.event();
		for (const line of block.split('\r\n')) {
			const colon = line.indexOf(':');
			checksum.add(line.slice(0, colon), line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1)));
		}
	}
	return checksum.result();
}

function cutChunks(stream, seed) {
	const random = seeded(seed);
	const chunks = [];
	for (let offset = 0; offset < stream.length;) {
		const size = 1 + Math.floor(random() ** 2 * 65536);
		chunks.push(stream.subarray(offset, offset + size));
		offset += size;
	}
	return chunks;
}

// ---------------------------------------------------------------- receivers (child side)

// Each adapter turns one implementation's event object back into key/value pairs.
const addFields = {
	ctidesk(checksum, message) {
		for (let i = 0; i < message.size; i++) checksum.add(message.keyAt(i), message.valueAt(i));
	},
	yana(checksum, event) {
		for (const key of Object.keys(event)) {
			const value = event[key];
			if (Array.isArray(value)) for (const item of value) checksum.add(key, item);
			else checksum.add(key, value);
		}
	},
	'asterisk-manager'(checksum, event) {
		for (const key of Object.keys(event)) {
			const value = event[key];
			if (key === 'variable' || key === 'chanvariable') {
				for (const [name, rest] of Object.entries(value))
					checksum.add(key, rest === '' ? name : `${name}=${rest}`);
			} else if (Array.isArray(value)) for (const item of value) checksum.add(key, item);
			else checksum.add(key, value);
		}
	},
	'ami-io'(checksum, event) {
		for (const key of Object.keys(event)) {
			const value = event[key];
			if (key === 'variables' || key === 'incomingData' || typeof value === 'function') continue;
			if (value !== null && typeof value === 'object') {
				for (const [name, rest] of Object.entries(value)) checksum.add(key, `${name}=${rest}`);
			} else checksum.add(key, value);
		}
	},
};

const eventName = {
	ctidesk: (message) => message.event,
	yana: (event) => event.Event,
	'asterisk-manager': (event) => event.event,
	'ami-io': (event) => event.event,
};

function createReceiver(implementation, done) {
	const checksum = createChecksum();
	const add = addFields[implementation];
	const nameOf = eventName[implementation];
	let first = 0;
	let rssAtFirst = 0;
	let rssAtHalf = 0;
	const half = Number(argument('expect', '0')) >> 1;
	let finished = false;
	return (event) => {
		if (finished) return;
		if (first === 0) {
			first = performance.now();
			rssAtFirst = process.memoryUsage().rss;
		}
		if (nameOf(event) === 'BenchEnd') {
			finished = true;
			const seconds = (performance.now() - first) / 1000;
			done({
				...checksum.result(),
				seconds,
				eventsPerSecond: checksum.events / seconds,
				rssAtFirstMiB: rssAtFirst / 1048576,
				rssAtHalfMiB: rssAtHalf / 1048576,
				rssAtEndMiB: process.memoryUsage().rss / 1048576,
				peakRssMiB: peakRssMiB(),
			});
			return;
		}
		checksum.event();
		if (checksum.events === half) rssAtHalf = process.memoryUsage().rss;
		add(checksum, event);
	};
}

// The child's own peak. getrusage's maxRSS survives exec: a child forked from this parent
// while it holds the 100 MB stream and its reference checksum starts with the parent's RSS as
// its "peak" (that, not the client, was the 213 MiB once seen for the first TCP client).
// VmHWM belongs to the address space, which exec replaces, so it is the child's alone.
function peakRssMiB() {
	try {
		const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
		if (match) return Number(match[1]) / 1024;
	} catch {
		// Not Linux: fall back to getrusage.
	}
	return process.resourceUsage().maxRSS / 1024;
}

const peerRequire = () => createRequire(join(peersDir, 'package.json'));

function report(result) {
	process.stdout.write(`${JSON.stringify(result)}\n`);
	process.exit(0);
}

async function runTcpClient(implementation, port) {
	const receive = createReceiver(implementation, report);
	if (implementation === 'ctidesk') {
		const {createAmiConnection} = await import(pathToFileURL(join(distAmi, 'connection.js')).href);
		const connection = createAmiConnection({
			host: '127.0.0.1',
			port,
			username: 'bench',
			secret: 'bench',
			pingIntervalMs: 0,
			reconnect: false,
		});
		connection.on('event', receive);
		connection.on('status', (change) => {
			if (change.status === 'disconnected') report({error: `disconnected: ${change.reason}`});
		});
		await connection.start();
		return;
	}
	const require = peerRequire();
	if (implementation === 'yana') {
		const AMI = require('yana');
		const ami = new AMI({port, host: '127.0.0.1', login: 'bench', password: 'bench', events: 'on'});
		ami.on('event', receive);
		ami.on('error', (error) => report({error: String(error)}));
		ami.connect();
	} else if (implementation === 'ami-io') {
		const amiIo = require('ami-io');
		const client = amiIo.createClient({port, host: '127.0.0.1', login: 'bench', password: 'bench'});
		client.useLogger(new amiIo.SilentLogger());
		client.on('event', receive);
		client.connect();
	} else if (implementation === 'asterisk-manager') {
		const Manager = require('asterisk-manager');
		const manager = Manager(port, '127.0.0.1', 'bench', 'bench', true);
		manager.on('managerevent', receive);
	}
}

// Feeds pre-cut buffers straight into a parser: a warm-up pass over the first tenth of the
// chunks, then the measured pass over all of them (fresh parser, fresh checksum).
async function runInProcess(implementation, megabytes, seed, passes) {
	const stream = buildStream(megabytes);
	const chunks = cutChunks(stream, seed);
	const feeder = await createFeeder(implementation);
	// asterisk-manager emits on process.nextTick: let each implementation drain after every
	// chunk, as it would between socket reads.
	const tick = () => new Promise((resolve) => process.nextTick(resolve));
	const warm = feeder(() => {}, true);
	for (const chunk of chunks.slice(0, Math.ceil(chunks.length / 10))) {
		warm(chunk);
		await tick();
	}
	// Best of `passes`: other load on the machine only ever makes a pass slower.
	let best;
	for (let pass = 0; pass < passes; pass++) {
		let result;
		const receive = createReceiver(implementation, (value) => {
			result = value;
		});
		const feed = feeder(receive, false);
		for (const chunk of chunks) {
			feed(chunk);
			await tick();
		}
		await new Promise((resolve) => setImmediate(resolve));
		if (!result) report({error: 'BenchEnd never arrived'});
		if (!best || result.eventsPerSecond > best.eventsPerSecond) best = result;
	}
	report(best);
}

async function createFeeder(implementation) {
	if (implementation === 'ctidesk') {
		const {createAmiParser} = await import(pathToFileURL(join(distAmi, 'parser.js')).href);
		return (onMessage) => {
			const parser = createAmiParser({onMessage});
			return (chunk) => parser.write(chunk);
		};
	}
	const require = peerRequire();
	if (implementation === 'yana') {
		// yana's parser is its LineSocket 'data' handler plus AMI#_setupMessageBuffering.
		const AMI = require('yana');
		const LineSocket = require('yana/line-socket');
		return (onEvent) => {
			const ami = new AMI({});
			ami.socket = new LineSocket();
			ami._setupMessageBuffering();
			ami.on('event', onEvent);
			return (chunk) => ami.socket.emit('data', chunk);
		};
	}
	if (implementation === 'ami-io') {
		// ami-io reads strings (socket encoding 'ascii') through Client#splitMessages.
		const amiIo = require('ami-io');
		return (onEvent) => {
			const client = amiIo.createClient({});
			client.useLogger(new amiIo.SilentLogger());
			client.on('event', onEvent);
			return (chunk) => client.splitMessages(chunk.toString('ascii'));
		};
	}
	// asterisk-manager keeps its reader private behind net.createConnection: hand it a socket stub.
	const net = require('node:net');
	const Manager = require('asterisk-manager');
	return (onEvent) => {
		const original = net.createConnection;
		const {EventEmitter} = require('node:events');
		const stub = new EventEmitter();
		Object.assign(stub, {setKeepAlive() {}, setNoDelay() {}, setEncoding() {}, readyState: 'open'});
		net.createConnection = () => stub;
		const manager = Manager();
		manager.connect(5038, '127.0.0.1');
		net.createConnection = original;
		manager.on('managerevent', onEvent);
		// The real socket has setEncoding('utf-8'), so it hands the reader strings.
		return (chunk) => stub.emit('data', chunk.toString('utf8'));
	};
}

// ---------------------------------------------------------------- parent side

function ensurePeers() {
	const missing = PEERS.filter(
		(peer) => !existsSync(join(peersDir, 'node_modules', peer, 'package.json')),
	);
	if (missing.length === 0) return;
	process.stderr.write(`installing ${missing.join(', ')} into bench/.peers …\n`);
	const result = spawnSync('npm', ['install', '--prefix', peersDir, '--no-save', ...PEERS], {
		stdio: 'inherit',
	});
	if (result.status !== 0) throw new Error('npm install of the bench peers failed');
}

function runChild(args, timeoutMs) {
	return new Promise((resolve) => {
		const child = spawn(
			process.execPath,
			[fileURLToPath(import.meta.url), ...args, '--dist', distDir],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let out = '';
		let err = '';
		child.stdout.on('data', (data) => (out += data));
		child.stderr.on('data', (data) => (err += data));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('exit', () => {
			clearTimeout(timer);
			const line = out.trim().split('\n').at(-1);
			try {
				resolve(JSON.parse(line));
			} catch {
				resolve({error: `no result (${err.trim().split('\n').at(-1) ?? 'killed'})`});
			}
		});
	});
}

// One fake Asterisk per client run: banner, accept any Login, then the stream in random writes.
export function startStreamServer(stream, seed) {
	return new Promise((resolve) => {
		const server = createServer((socket) => {
			socket.setNoDelay(true);
			socket.on('error', () => {});
			socket.write('Asterisk Call Manager/11.0.0\r\n');
			let text = '';
			let started = false;
			socket.on('data', async (data) => {
				text += data.toString('latin1');
				if (started) return;
				const end = text.search(/\r\n\r\n/);
				if (end === -1 || !/^action:\s*login/im.test(text.slice(0, end))) return;
				started = true;
				const id = /^actionid:\s*(.*)$/im.exec(text.slice(0, end))?.[1]?.trim() ?? '';
				socket.write(
					`Response: Success\r\nActionID: ${id}\r\nMessage: Authentication accepted\r\n\r\n`,
				);
				for (const chunk of cutChunks(stream, seed)) {
					if (!socket.write(chunk)) await new Promise((next) => socket.once('drain', next));
					if (socket.destroyed) return;
				}
			});
		});
		server.listen(0, '127.0.0.1', () => resolve(server));
	});
}

function format(value, digits = 0) {
	return value.toLocaleString('en-US', {
		maximumFractionDigits: digits,
		minimumFractionDigits: digits,
	});
}

function intact(result, expected) {
	if (result.error) return `no: ${result.error}`;
	if (result.events !== expected.events) return `no: ${result.events}/${expected.events} events`;
	if (result.fields !== expected.fields) return `no: ${result.fields}/${expected.fields} fields`;
	if (result.sum !== expected.sum || result.hash !== expected.hash)
		return 'no: field checksum differs';
	return 'yes';
}

function table(title, results, expected, target) {
	const peers = PEERS.map((peer) => results[peer]).filter((r) => !r.error);
	const fastest = Math.max(...peers.map((r) => r.eventsPerSecond));
	const fastestName = PEERS.find((peer) => results[peer].eventsPerSecond === fastest);
	const lines = [`\n${title}`];
	lines.push(
		`${'implementation'.padEnd(18)}${'events/s'.padStart(12)}${'vs fastest peer'.padStart(17)}${'RSS MiB first/half/end/peak'.padStart(30)}  intact`,
	);
	for (const name of IMPLEMENTATIONS) {
		const r = results[name];
		if (r.error) {
			lines.push(
				`${name.padEnd(18)}${'-'.padStart(12)}${'-'.padStart(17)}${'-'.padStart(30)}  ${intact(r, expected)}`,
			);
			continue;
		}
		const ratio = fastest > 0 ? r.eventsPerSecond / fastest : Number.NaN;
		lines.push(
			`${name.padEnd(18)}${format(r.eventsPerSecond).padStart(12)}${`${format(ratio, 2)}×`.padStart(17)}` +
				`${[r.rssAtFirstMiB, r.rssAtHalfMiB, r.rssAtEndMiB, r.peakRssMiB]
					.map((v) => format(v))
					.join(' / ')
					.padStart(30)}  ${intact(r, expected)}`,
		);
	}
	const ours = results.ctidesk;
	const ratio = ours.error ? 0 : ours.eventsPerSecond / fastest;
	lines.push(
		`target ≥ ${target}× the fastest peer (${fastestName}): ${format(ratio, 2)}× → ${ratio >= target ? 'MET' : 'NOT MET'}`,
	);
	return {text: lines.join('\n'), ratio, fastest: fastestName, met: ratio >= target};
}

/** Runs both benches; returns the figures (bench/run.mjs can call this). */
export async function runAmiParserBench({
	megabytes = 50,
	seed = 20261125,
	log = (text) => process.stdout.write(`${text}\n`),
} = {}) {
	ensurePeers();
	if (!existsSync(join(distAmi, 'parser.js')))
		throw new Error('dist/ is missing: run `npm run build` first');
	const stream = buildStream(megabytes);
	const expected = expectedChecksum(stream);
	log(
		`AMI parser bench: ${format(stream.length / 1048576, 1)} MiB, ${format(expected.events)} events, ` +
			`${format(expected.fields)} fields (node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(1)})`,
	);
	const tcp = {};
	for (const implementation of IMPLEMENTATIONS) {
		const server = await startStreamServer(stream, seed);
		const {port} = server.address();
		tcp[implementation] = await runChild(
			[
				'--child',
				'tcp',
				'--impl',
				implementation,
				'--port',
				String(port),
				'--expect',
				String(expected.events),
			],
			180_000,
		);
		server.close();
	}
	const inProcess = {};
	for (const implementation of IMPLEMENTATIONS) {
		inProcess[implementation] = await runChild(
			[
				'--child',
				'memory',
				'--impl',
				implementation,
				'--mb',
				String(megabytes),
				'--seed',
				String(seed),
				'--expect',
				String(expected.events),
			],
			180_000,
		);
	}
	const a = table(
		'(a) loopback TCP, random write sizes, one process per client',
		tcp,
		expected,
		TARGET_TCP,
	);
	const b = table(
		'(b) in-process, same buffers, parser only',
		inProcess,
		expected,
		TARGET_IN_PROCESS,
	);
	log(a.text);
	log(b.text);
	return {
		megabytes,
		expected,
		tcp,
		inProcess,
		ratios: {tcp: a.ratio, inProcess: b.ratio},
		met: {tcp: a.met, inProcess: b.met},
	};
}

const child = argument('child');
if (child === 'tcp') {
	await runTcpClient(argument('impl'), Number(argument('port')));
} else if (child === 'memory') {
	await runInProcess(
		argument('impl'),
		Number(argument('mb')),
		Number(argument('seed')),
		Number(argument('passes', '3')),
	);
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const figures = await runAmiParserBench({megabytes: Number(argument('mb', '50'))});
	if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(figures)}\n`);
}
