// The same-user check: /proc/net/tcp(6) parsing from captured text, the decision table, the real
// lookup on this machine, and (when the test runs as root, as CI does) a real client running
// as another uid, refused on every route and on the WebSocket upgrade.
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {createServer as createNetServer, connect as netConnect, type Socket} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {
	createPeerUserCheck,
	decide,
	decodeProcAddress,
	encodeProcAddress,
	createProcTable,
	findSocketOwner,
	lookupPeerUid,
	parseProcNetLine,
	peerCheckFor,
	peerUserUnsupported,
} from '../../source/server/peer-user.js';
import {startHarness, testConfig, type Harness} from './server-harness.js';

// Captured from a Linux x86-64 box (little-endian): a listener, an established pair on
// loopback (client uid 1000 on port 0xC350 = 50000 → server 0x00B4 = 180), and a time-wait
// leftover of an earlier connection on the same ports (uid 0, inode 0).
const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const tcp = [
	header,
	'   0: 0100007F:00B4 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 84351 1 00000000cb0e856d 100 0 0 10 0',
	'   1: 0100007F:C350 0100007F:00B4 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000',
	'   2: 0100007F:C350 0100007F:00B4 01 00000000:00000000 00:00000000 00000000  1000        0 99001 1 00000000aaaa 20 4 30 10 -1',
	'   3: 0100007F:00B4 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 99002 1 00000000bbbb 20 4 30 10 -1',
	'   4: 0100007F:C351 0100007F:00B4 01 00000000:00000000 00:00000000 00000000  1001        0 99003 1 00000000cccc 20 4 30 10 -1',
	'',
].join('\n');
const tcp6 = [
	'  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
	'   0: 00000000000000000000000001000000:00B4 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 84352 1 00000000a15b4c64 100 0 0 10 0',
	'   1: 00000000000000000000000001000000:D431 00000000000000000000000001000000:00B4 01 00000000:00000000 00:00000000 00000000  1002        0 99010 1 00000000dddd 20 4 30 10 -1',
	'   2: 0000000000000000FFFF00000100007F:D432 0000000000000000FFFF00000100007F:00B4 01 00000000:00000000 00:00000000 00000000  1003        0 99011 1 00000000eeee 20 4 30 10 -1',
	'',
].join('\n');

const tables = (files: Record<string, string>) => (path: string) => {
	const text = files[path];
	if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), {code: 'ENOENT'});
	return text;
};

const socketFor = (remoteAddress: string, remotePort: number, localAddress: string, localPort: number) => ({remoteAddress, remotePort, localAddress, localPort});

describe('reading /proc/net/tcp and tcp6', () => {
	it('parses a line: addresses, ports, state, uid and inode', async () => {
		expect(parseProcNetLine(tcp.split('\n')[3]!, true)).toEqual({
			localAddress: '127.0.0.1',
			localPort: 50000,
			remoteAddress: '127.0.0.1',
			remotePort: 180,
			state: '01',
			uid: 1000,
			inode: 99001,
		});
		expect(parseProcNetLine(header, true)).toBeNull();
		expect(parseProcNetLine(tcp6.split('\n')[1]!, true)).toMatchObject({localAddress: '0:0:0:0:0:0:0:1', localPort: 180, state: '0A'});
	});

	it.each([
		['127.0.0.1', 4, true, '0100007F'],
		['127.0.0.1', 4, false, '7F000001'],
		['::ffff:127.0.0.1', 4, true, '0100007F'],
		['::1', 6, true, '00000000000000000000000001000000'],
		['::ffff:127.0.0.1', 6, true, '0000000000000000FFFF00000100007F'],
		['127.0.0.1', 6, true, '0000000000000000FFFF00000100007F'],
		['fe80::1:2', 6, false, 'FE800000000000000000000000010002'],
		['not an address', 4, true, null],
		['1::2::3', 6, true, null],
	] as const)('encodes %s for tcp%s (little-endian %s) as %s', (address, family, little, expected) => {
		expect(encodeProcAddress(address, family, little)).toBe(expected);
		if (expected && family === 4) expect(decodeProcAddress(expected, little)).toBe(address.replace('::ffff:', ''));
	});

	it('finds the client end of a connection, skipping a time-wait leftover on the same ports', async () => {
		const entry = findSocketOwner(tcp, 4, {address: '127.0.0.1', port: 50000}, {address: '127.0.0.1', port: 180}, true);
		expect(entry).toMatchObject({uid: 1000, inode: 99001, state: '01'});
		// Our own end (local = the server port) is never mistaken for the client's.
		expect(findSocketOwner(tcp, 4, {address: '127.0.0.1', port: 50002}, {address: '127.0.0.1', port: 180}, true)).toBeNull();
	});

	it('answers every connection of a large table from one index, whatever the width of the line numbers', () => {
		// 12,000 sockets of other programs, then ours: line numbers grow past four digits.
		const others = Array.from({length: 12_000}, (_, n) =>
			`${String(n + 5).padStart(4)}: 0100007F:${(1000 + (n % 30000)).toString(16).toUpperCase().padStart(4, '0')} 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 ${200000 + n} 1 0 20 4 30 10 -1`,
		);
		const big = [...tcp.trimEnd().split('\n'), ...others, '12005: 0100007F:C352 0100007F:00B4 01 00000000:00000000 00:00000000 00000000  1004        0 99100 1 0 20 4 30 10 -1', ''].join('\n');
		const table = createProcTable(big, true);
		const ours = {address: '127.0.0.1', port: 180};
		expect(table.owner(4, {address: '127.0.0.1', port: 50000}, ours)).toMatchObject({uid: 1000, inode: 99001});
		expect(table.owner(4, {address: '127.0.0.1', port: 50001}, ours)).toMatchObject({uid: 1001});
		expect(table.owner(4, {address: '127.0.0.1', port: 0xc352}, ours)).toMatchObject({uid: 1004, inode: 99100});
		expect(table.owner(4, {address: '127.0.0.1', port: 1000}, ours)).toBeNull();
		expect(table.owner(4, {address: '127.0.0.1', port: 1000}, {address: '127.0.0.1', port: 0x1f90})).toMatchObject({inode: 200000});
	});

	it('looks in tcp6 for IPv6 clients and for dual-stack clients of the IPv4 socket', async () => {
		const read = tables({'/proc/net/tcp': tcp, '/proc/net/tcp6': tcp6});
		expect(await lookupPeerUid(socketFor('::1', 0xd431, '::1', 180), read)).toEqual({kind: 'uid', uid: 1002});
		expect(await lookupPeerUid(socketFor('127.0.0.1', 0xd432, '127.0.0.1', 180), read)).toEqual({kind: 'uid', uid: 1003});
		expect(await lookupPeerUid(socketFor('127.0.0.1', 50001, '127.0.0.1', 180), read)).toEqual({kind: 'uid', uid: 1001});
	});

	it('says unknown for a closed (orphaned) client socket, and unsupported without /proc', async () => {
		const orphan = tcp.replace(/ 01 (.*) 1000 +0 99001 /, ' 04 $1    0        0 0 ');
		expect(await lookupPeerUid(socketFor('127.0.0.1', 50000, '127.0.0.1', 180), tables({'/proc/net/tcp': orphan}))).toMatchObject({kind: 'unknown'});
		expect(await lookupPeerUid(socketFor('127.0.0.1', 40000, '127.0.0.1', 180), tables({'/proc/net/tcp': tcp}))).toMatchObject({kind: 'unknown'});
		expect(await lookupPeerUid(socketFor('127.0.0.1', 50000, '127.0.0.1', 180), tables({}))).toMatchObject({kind: 'unsupported'});
		expect(peerUserUnsupported(testConfig(), tables({}))).toContain('server.sameUserOnly');
		expect(peerUserUnsupported({server: {...testConfig().server, sameUserOnly: false}}, tables({}))).toBeNull();
	});
});

describe('the decision', () => {
	it.each([
		['the same uid', {kind: 'uid', uid: 1000}, 1000, false, true],
		['another uid', {kind: 'uid', uid: 1001}, 1000, false, false],
		['another uid, allowRoot on', {kind: 'uid', uid: 1001}, 1000, true, false],
		['root to a user ctidesk', {kind: 'uid', uid: 0}, 1000, false, false],
		['root to a user ctidesk with allowRoot', {kind: 'uid', uid: 0}, 1000, true, true],
		['root to a root ctidesk (same uid)', {kind: 'uid', uid: 0}, 0, false, true],
		['a user to a root ctidesk', {kind: 'uid', uid: 1000}, 0, true, false],
		['an unknown owner', {kind: 'unknown', reason: 'closed'}, 1000, true, false],
		['no /proc (fail closed)', {kind: 'unsupported', reason: 'no /proc/net/tcp'}, 1000, true, false],
	] as const)('%s → %s', (_name, lookup, own, allowRoot, allowed) => {
		const verdict = decide(lookup, own, allowRoot);
		expect(verdict.ok).toBe(allowed);
		if (!verdict.ok) expect(verdict.status).toBe(403);
	});

	it('tells the user how to turn the check off where it cannot work', async () => {
		const verdict = decide({kind: 'unsupported', reason: 'this system has no /proc/net/tcp'}, 501, false);
		expect(verdict).toMatchObject({ok: false, message: expect.stringContaining('set server.sameUserOnly to false')});
		expect(decide({kind: 'uid', uid: 1}, null, false)).toMatchObject({ok: false, message: expect.stringContaining('server.sameUserOnly')});
	});
});

describe('one table read for the connections accepted before it', () => {
	/** A check over a table the test may change between reads, counting the reads. */
	function checkOver(initial: string, ownUid = 1000) {
		const state = {text: initial, reads: 0};
		const check = createPeerUserCheck({ownUid, allowRoot: false, readTable: (path) => (path === '/proc/net/tcp' ? ((state.reads += 1), state.text) : tables({})(path))});
		return {check, state};
	}
	const client = (port: number) => socketFor('127.0.0.1', port, '127.0.0.1', 180) as unknown as Socket;

	it('answers each connection from the read, with its own verdict', async () => {
		const {check, state} = checkOver(tcp);
		const [ours, theirs] = [client(50000), client(50001)];
		check.accepted!(ours);
		check.accepted!(theirs);
		expect(await check(ours)).toEqual({ok: true});
		expect(await check(theirs)).toMatchObject({ok: false, status: 403, message: expect.stringContaining('another user')});
		expect(state.reads).toBe(1);
	});

	it('reads again for a connection the shared read does not list', async () => {
		const withoutLast = tcp.split('\n').filter((line) => !line.includes(':C351 ')).join('\n');
		const {check, state} = checkOver(withoutLast);
		const [ours, late] = [client(50000), client(50001)];
		check.accepted!(ours);
		check.accepted!(late);
		expect(await check(ours)).toEqual({ok: true});
		state.text = tcp;
		expect(await check(late)).toMatchObject({ok: false, status: 403});
		expect(state.reads).toBe(2);
	});

	it('never trusts a read from before the accept: the ports may have changed hands', async () => {
		const {check, state} = checkOver(tcp);
		const first = client(50000);
		check.accepted!(first);
		expect(await check(first)).toEqual({ok: true});
		// The first client went away and uid 1001 now holds the same ports.
		state.text = tcp.replace(/ 01 (.*) {2}1000 +0 99001 /, ' 01 $1  1001        0 99005 ');
		const second = client(50000);
		check.accepted!(second);
		expect(await check(second)).toMatchObject({ok: false, status: 403});
		expect(state.reads).toBe(2);
	});

	it('reads for every connection it was not told of', async () => {
		const {check, state} = checkOver(tcp);
		expect(await check(client(50000))).toEqual({ok: true});
		expect(await check(client(50000))).toEqual({ok: true});
		expect(state.reads).toBe(2);
	});
});

const onLinux = process.platform === 'linux';

describe.skipIf(!onLinux)('on this machine', () => {
	const open: Array<{close(): unknown}> = [];
	afterEach(async () => {
		for (const item of open.splice(0)) await item.close();
	});

	async function accepted(): Promise<{server: Socket; client: Socket}> {
		const listener = createNetServer();
		await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
		const port = (listener.address() as {port: number}).port;
		const serverSide = new Promise<Socket>((resolve) => listener.once('connection', resolve));
		const client = netConnect(port, '127.0.0.1');
		await new Promise<void>((resolve) => client.once('connect', () => resolve()));
		const server = await serverSide;
		open.push({close: () => (client.destroy(), server.destroy(), new Promise((resolve) => listener.close(resolve)))});
		return {server, client};
	}

	it('finds our own uid as the owner of our own connection', async () => {
		const {server} = await accepted();
		expect(await lookupPeerUid(server)).toEqual({kind: 'uid', uid: process.getuid!()});
		expect(await createPeerUserCheck({ownUid: process.getuid!(), allowRoot: false})(server)).toEqual({ok: true});
	});

	it('refuses when it runs as another uid than the client (allowRoot decides for a root client)', async () => {
		const {server} = await accepted();
		const own = process.getuid!();
		const other = own === 0 ? 4321 : own + 1;
		expect(await createPeerUserCheck({ownUid: other, allowRoot: false})(server)).toMatchObject({ok: false, status: 403});
		expect((await createPeerUserCheck({ownUid: other, allowRoot: true})(server)).ok).toBe(own === 0);
	});

	it('reads the tables once per connection however many requests it carries (keep-alive)', async () => {
		const {server} = await accepted();
		let reads = 0;
		const check = createPeerUserCheck({
			ownUid: process.getuid!(),
			allowRoot: false,
			readTable: (path) => ((reads += 1), readFileSync(path, 'latin1')),
		});
		for (let index = 0; index < 5; index += 1) expect(await check(server)).toEqual({ok: true});
		expect(reads).toBe(1);
		// A second connection is looked up again: nothing is cached across connections.
		const second = await accepted();
		expect(await check(second.server)).toEqual({ok: true});
		expect(reads).toBe(2);
	});

	function countingCheck(ownUid = process.getuid!()) {
		const counter = {reads: 0};
		const check = createPeerUserCheck({ownUid, allowRoot: false, readTable: (path) => ((counter.reads += 1), readFileSync(path, 'latin1'))});
		return {check, counter};
	}

	it('answers connections accepted together with one table read', async () => {
		const {check, counter} = countingCheck();
		const sockets = [await accepted(), await accepted(), await accepted()].map(({server}) => server);
		for (const socket of sockets) check.accepted!(socket);
		for (const socket of sockets) expect(await check(socket)).toEqual({ok: true});
		expect(counter.reads).toBe(1);
	});

	it('never answers a connection from a read made before it was accepted', async () => {
		const {check, counter} = countingCheck();
		const first = await accepted();
		check.accepted!(first.server);
		expect(await check(first.server)).toEqual({ok: true});
		const second = await accepted();
		check.accepted!(second.server);
		expect(await check(second.server)).toEqual({ok: true});
		expect(counter.reads).toBe(2);
	});

	it('shares the read only for the verdict the table gives: another user is still refused', async () => {
		const own = process.getuid!();
		const {check, counter} = countingCheck(own === 0 ? 4321 : own + 1);
		const sockets = [await accepted(), await accepted()].map(({server}) => server);
		for (const socket of sockets) check.accepted!(socket);
		for (const socket of sockets) expect(await check(socket)).toMatchObject({ok: false, status: 403});
		expect(counter.reads).toBe(1);
	});
});

describe.skipIf(!onLinux)('through the local API on this machine', () => {
	let harness: Harness | null = null;
	afterEach(async () => {
		await harness?.close();
		harness = null;
	});

	it('serves connections opened together with one /proc read, and a later one with another', async () => {
		let reads = 0;
		const peerCheck = createPeerUserCheck({ownUid: process.getuid!(), allowRoot: false, readTable: (path) => ((reads += 1), readFileSync(path, 'latin1'))});
		harness = await startHarness({peerCheck});
		const port = harness.port;
		const request = `GET /cgi-bin/status.cgi?format=json HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`;
		const connectAll = (count: number) =>
			Promise.all(Array.from({length: count}, () => new Promise<Socket>((resolve) => {
				const socket = netConnect(port, '127.0.0.1', () => resolve(socket));
			})));
		const ask = (socket: Socket) =>
			new Promise<string>((resolve) => {
				let answer = '';
				socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
				socket.on('close', () => resolve(answer.slice(0, 12)));
				socket.write(request);
			});
		const together = await connectAll(4);
		// Give the server time to accept all four before the first request arrives.
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(await Promise.all(together.map(ask))).toEqual(Array(4).fill('HTTP/1.1 200'));
		expect(reads).toBe(1);
		const [later] = await connectAll(1);
		expect(await ask(later!)).toBe('HTTP/1.1 200');
		expect(reads).toBe(2);
	});
});

const nobody = 65534;
const asRoot = onLinux && process.getuid?.() === 0;

/**
 * A tiny client run as `uid`: GET status.cgi, then a WebSocket upgrade to /events; prints
 * `<status> <upgrade status>` (101 when upgraded).
 */
function clientAs(uid: number, port: number): Promise<string> {
	const script = `
const http = require('node:http');
const port = ${port};
const get = (path, headers) => new Promise((resolve) => {
	const req = http.request({host: '127.0.0.1', port, path, headers: {Accept: 'application/json', ...headers}});
	req.on('response', (res) => { res.resume(); resolve(String(res.statusCode)); });
	req.on('upgrade', (res, socket) => { socket.destroy(); resolve('101'); });
	req.on('error', (error) => resolve('error ' + error.code));
	req.end();
});
(async () => {
	const status = await get('/cgi-bin/status.cgi', {});
	const upgrade = await get('/events', {Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ=='});
	process.stdout.write(status + ' ' + upgrade);
})();`;
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['-e', script], {uid, gid: uid, cwd: '/', stdio: ['ignore', 'pipe', 'pipe']});
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
		child.on('error', reject);
		child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`client exited ${code}: ${err}`))));
	});
}

describe.skipIf(!asRoot)('another local user (needs root to run a client as uid 65534)', () => {
	let harness: Harness | null = null;
	afterEach(async () => {
		await harness?.close();
		harness = null;
	});

	it('refuses status.cgi and the WebSocket upgrade from uid 65534 with 403', async () => {
		harness = await startHarness();
		expect(await clientAs(nobody, harness.port)).toBe('403 403');
		const refusals = harness.activity.getEntries().filter((entry) => entry.text.includes('403'));
		expect(refusals.map((entry) => entry.text).join('\n')).toContain('another user');
		// The same client as our own uid gets through: the uid alone made the difference.
		expect(await clientAs(process.getuid!(), harness.port)).toBe('200 101');
	});

	it('lets uid 65534 in when server.sameUserOnly is false (a single-user machine)', async () => {
		const config = testConfig();
		config.server.sameUserOnly = false;
		harness = await startHarness({config});
		expect(peerCheckFor(config)).toBeTypeOf('function');
		expect(await clientAs(nobody, harness.port)).toBe('200 101');
	});
});
