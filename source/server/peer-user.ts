// "Only the agent drives the agent" (SPEC section 9): on a shared machine, every local account
// can reach 127.0.0.1:180, so loopback alone does not say *who* connects. On Linux the kernel
// lists each TCP socket with the uid that owns it in /proc/net/tcp and /proc/net/tcp6; the
// client's end of our connection is the line whose local side is our socket's remote
// address:port and whose remote side is our socket's local address:port.
//
// Decisions (README "Other users on the same machine"):
// - A peer passes when its uid is ctidesk's own uid. A root ctidesk therefore accepts root.
// - `server.allowRoot` lets a root client (sudo, a root cron script) drive a non-root ctidesk;
//   off by default, because root could do anything anyway but should say so in the config.
// - A closed client socket is listed as owned by root with inode 0 (the kernel forgets the
//   owner of an orphaned socket), so a peer that sends a request and closes at once would look
//   like root: a line with inode 0 is "owner unknown" and refused.
// - No /proc/net/tcp (macOS, a container without /proc) or no uid (Windows): we cannot tell,
//   so we refuse (fail closed) and say to set server.sameUserOnly=false on a single-user machine.
// - The verdict is kept per socket (a keep-alive connection is looked up once) and never across
//   connections: a new connection may come from someone else on a reused port.
// - Cost: the kernel builds /proc/net/tcp by walking its whole established-connection hash
//   table (262,144 buckets on a 2-CPU VM), about 1-6 ms per read however few sockets there
//   are, and far more while the machine is busy with TCP. So the read is asynchronous (a worker
//   thread does it, proc-reader.ts): the event loop, and the TUI with it, never waits for the kernel.
//   listen.ts keeps a half-closed client's socket open for the answer meanwhile. A keep-alive
//   request pays nothing.
// - Connections that arrive together share one read: a browser opens several at once. A table
//   read *started after* a connection was accepted lists its peer's live socket, so its answer
//   holds for that connection; a read started before the accept is never used for it, even if
//   it finishes after, as the ports may then have belonged to an earlier connection.
import {readFileSync} from 'node:fs';
import {endianness} from 'node:os';
import type {Socket} from 'node:net';
import type {Config} from '../config/schema.js';
import type {PeerCheck, Verdict} from './guard.js';
import {createProcReader} from './proc-reader.js';

export interface ProcNetEntry {
	localAddress: string;
	localPort: number;
	remoteAddress: string;
	remotePort: number;
	/** Kernel TCP state, e.g. '01' established, '06' time-wait, '0A' listen. */
	state: string;
	uid: number;
	/** 0 when no process holds the socket any more (orphaned, time-wait). */
	inode: number;
}

const littleEndian = endianness() === 'LE';

/** IPv6 text (also `::ffff:a.b.c.d`) → 16 bytes, or null. */
function ipv6Bytes(address: string): number[] | null {
	let text = address.toLowerCase();
	const zone = text.indexOf('%');
	if (zone !== -1) text = text.slice(0, zone);
	let tail: number[] = [];
	const v4 = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
	if (v4) {
		const bytes = ipv4Bytes(v4[2]!);
		if (!bytes) return null;
		tail = bytes;
		text = `${v4[1]!}0:0`; // placeholder groups, replaced by the four bytes below
	}
	const halves = text.split('::');
	if (halves.length > 2) return null;
	const groups = (part: string) => (part === '' ? [] : part.split(':'));
	const head = groups(halves[0]!);
	const rest = halves.length === 2 ? groups(halves[1]!) : [];
	const missing = 8 - head.length - rest.length;
	if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
	const all = [...head, ...Array.from({length: missing}, () => '0'), ...rest];
	const bytes: number[] = [];
	for (const group of all) {
		if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
		const value = Number.parseInt(group, 16);
		bytes.push(value >> 8, value & 0xff);
	}
	if (tail.length === 4) bytes.splice(12, 4, ...tail);
	return bytes;
}

function ipv4Bytes(address: string): number[] | null {
	const parts = address.split('.');
	if (parts.length !== 4) return null;
	const bytes = parts.map(Number);
	return bytes.every((byte, index) => /^\d{1,3}$/.test(parts[index]!) && byte <= 255) ? bytes : null;
}

const hex = (bytes: readonly number[]) => bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('').toUpperCase();

/**
 * An address as /proc/net/tcp{,6} prints it: each 32-bit word in host byte order, as %08X.
 * `family` 4 takes a dotted quad; 6 takes any IPv6 text, an IPv4 one becoming `::ffff:a.b.c.d`.
 */
export function encodeProcAddress(address: string, family: 4 | 6, little = littleEndian): string | null {
	let bytes: number[] | null;
	if (family === 4) {
		bytes = ipv4Bytes(address.startsWith('::ffff:') ? address.slice(7) : address);
	} else {
		bytes = ipv4Bytes(address) ? ipv6Bytes(`::ffff:${address}`) : ipv6Bytes(address);
	}
	if (!bytes) return null;
	if (!little) return hex(bytes);
	const words: string[] = [];
	for (let index = 0; index < bytes.length; index += 4) words.push(hex(bytes.slice(index, index + 4).reverse()));
	return words.join('');
}

/** The inverse, for tests and log lines: `0100007F` → `127.0.0.1`, 32 digits → full IPv6 text. */
export function decodeProcAddress(text: string, little = littleEndian): string {
	const bytes: number[] = [];
	for (let index = 0; index < text.length; index += 8) {
		const word = [0, 2, 4, 6].map((offset) => Number.parseInt(text.slice(index + offset, index + offset + 2), 16));
		bytes.push(...(little ? word.reverse() : word));
	}
	if (bytes.length === 4) return bytes.join('.');
	const groups: string[] = [];
	for (let index = 0; index < 16; index += 2) groups.push(((bytes[index]! << 8) | bytes[index + 1]!).toString(16));
	return groups.join(':');
}

/** One line of /proc/net/tcp or tcp6 (not the header), or null when it is not one. */
export function parseProcNetLine(line: string, little = littleEndian): ProcNetEntry | null {
	const fields = line.trim().split(/\s+/);
	if (fields.length < 10 || !/^\d+:$/.test(fields[0]!)) return null;
	const [local, remote, state, , , , uid, , inode] = fields.slice(1);
	const split = (pair: string) => {
		const colon = pair.lastIndexOf(':');
		return {address: decodeProcAddress(pair.slice(0, colon), little), port: Number.parseInt(pair.slice(colon + 1), 16)};
	};
	if (!local || !remote || !state || !uid || !inode) return null;
	const l = split(local);
	const r = split(remote);
	return {
		localAddress: l.address,
		localPort: l.port,
		remoteAddress: r.address,
		remotePort: r.port,
		state,
		uid: Number(uid),
		inode: Number(inode),
	};
}

export interface Endpoint {
	address: string;
	port: number;
}

const portHex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');

/** One read of /proc/net/tcp or tcp6, asked about many connections. */
export interface ProcTable {
	/** The owner of the socket whose local end is `peer` and remote end is `ours`, or null. */
	owner(family: 4 | 6, peer: Endpoint, ours: Endpoint): ProcNetEntry | null;
}

/**
 * A table read, indexed on first use for each server end (`ours`): one pass over the text picks
 * the lines whose remote end is that server, keyed by their local end. The table lists every TCP
 * socket on the machine (thousands of lines on a busy one, time-waits included), so a burst of
 * new connections must not scan it once per connection: that alone kept the event loop busy
 * for tens of milliseconds (bench/cgi-latency.mjs, the burst's longest block).
 */
export function createProcTable(text: string, little = littleEndian): ProcTable {
	const byServer = new Map<string, Map<string, string[]>>();
	return {
		owner(family, peer, ours) {
			const peerHex = encodeProcAddress(peer.address, family, little);
			const ourHex = encodeProcAddress(ours.address, family, little);
			if (!peerHex || !ourHex) return null;
			const server = `${ourHex}:${portHex(ours.port)}`;
			let index = byServer.get(server);
			if (!index) byServer.set(server, (index = indexConnectionsTo(text, server)));
			return liveEntry(index.get(`${peerHex}:${portHex(peer.port)}`), little);
		},
	};
}

/**
 * The lines whose remote end is `server` (address:port as the table prints it), by their local
 * end. Lines read `   N: LOCAL REMOTE ST …` with fixed-width fields after the first colon.
 * Only the text is kept: a line is parsed when a connection asks for it. Every client that
 * closed first leaves a time-wait line naming our server for a minute, so after a few bursts
 * hundreds of lines match, and parsing them all on the event loop for the first lookup took
 * 1-5 ms (bench/cgi-latency.mjs, the burst's longest block) while a burst asks for fifty.
 */
function indexConnectionsTo(text: string, server: string): Map<string, string[]> {
	const index = new Map<string, string[]>();
	const width = server.length;
	for (let start = 0; start < text.length; ) {
		let end = text.indexOf('\n', start);
		if (end === -1) end = text.length;
		const colon = text.indexOf(':', start);
		const local = colon + 2;
		const remote = local + width + 1;
		if (colon !== -1 && remote + width < end && text.startsWith(server, remote) && text.charCodeAt(remote + width) === 0x20) {
			const key = text.slice(local, local + width);
			const line = text.slice(start, end);
			const lines = index.get(key);
			if (lines) lines.push(line);
			else index.set(key, [line]);
		}
		start = end + 1;
	}
	return index;
}

/** The socket on these ports: a time-wait leftover of an earlier connection (inode 0) may precede the live one. */
function liveEntry(lines: readonly string[] | undefined, little: boolean): ProcNetEntry | null {
	let found: ProcNetEntry | null = null;
	for (const line of lines ?? []) {
		const entry = parseProcNetLine(line, little);
		if (entry && (!found || found.inode === 0)) found = entry;
	}
	return found;
}

/** The owner of one socket, from the text of /proc/net/tcp (`family` 4) or tcp6 (`family` 6). */
export function findSocketOwner(text: string, family: 4 | 6, peer: Endpoint, ours: Endpoint, little = littleEndian): ProcNetEntry | null {
	return createProcTable(text, little).owner(family, peer, ours);
}

export interface PeerUserOptions {
	/** ctidesk's own uid; null where the platform has none (Windows). */
	ownUid: number | null;
	allowRoot: boolean;
	/** Reads a /proc file; rejects when it is missing (tests pass captured text). */
	readTable?: ReadTable;
}

/** Reads one /proc table; throws or rejects when it is missing. */
export type ReadTable = (path: string) => string | Promise<string>;

/** Ways a lookup can end, before they become a Verdict (tests read these). */
export type PeerLookup =
	| {kind: 'uid'; uid: number}
	| {kind: 'unknown'; reason: string}
	| {kind: 'unsupported'; reason: string};

const readProc = createProcReader();
const readProcNow = (path: string) => readFileSync(path, 'latin1');

type PeerSocket = Pick<Socket, 'remoteAddress' | 'remotePort' | 'localAddress' | 'localPort'>;

/** Who owns the client end of `socket`. */
export function lookupPeerUid(socket: PeerSocket, readTable: ReadTable = readProc): Promise<PeerLookup> {
	return lookupIn(socket, async (path) => createProcTable(await readTable(path)));
}

/** The same, from tables that may be shared between connections (createPeerUserCheck). */
async function lookupIn(socket: PeerSocket, tableFor: (path: string) => Promise<ProcTable>): Promise<PeerLookup> {
	const {remoteAddress, remotePort, localAddress, localPort} = socket;
	if (!remoteAddress || remotePort === undefined || !localAddress || localPort === undefined) {
		return {kind: 'unknown', reason: 'the connection has no addresses (already closed)'};
	}
	const peer = {address: remoteAddress, port: remotePort};
	const ours = {address: localAddress, port: localPort};
	// An IPv4 server socket: the client is an AF_INET socket (tcp) or a dual-stack AF_INET6 one
	// connected to ::ffff:127.0.0.1 (tcp6). An IPv6 server socket: tcp6 only.
	const v4 = ipv4Bytes(remoteAddress) !== null;
	const tables: Array<[string, 4 | 6]> = v4 ? [['/proc/net/tcp', 4], ['/proc/net/tcp6', 6]] : [['/proc/net/tcp6', 6]];
	let readAny = false;
	for (const [path, family] of tables) {
		let table: ProcTable;
		try {
			table = await tableFor(path);
		} catch {
			continue;
		}
		readAny = true;
		const entry = table.owner(family, peer, ours);
		if (!entry) continue;
		if (entry.inode === 0) return {kind: 'unknown', reason: 'the connecting program closed its socket before it could be identified'};
		return {kind: 'uid', uid: entry.uid};
	}
	if (!readAny) return {kind: 'unsupported', reason: 'this system has no /proc/net/tcp'};
	return {kind: 'unknown', reason: 'the connecting socket is not in /proc/net/tcp'};
}

const forbid = (message: string): Verdict => ({ok: false, status: 403, message});

/** How long the latest table read is kept for connections accepted before it. */
const tableKeepMs = 2000;

/**
 * The same-user rule as a PeerCheck for guard.ts: one lookup per connection, and one table read
 * for all the connections accepted before it started (`accepted` must be told of each; listen.ts does).
 */
export function createPeerUserCheck({ownUid, allowRoot, readTable = readProc}: PeerUserOptions): PeerCheck {
	const verdicts = new WeakMap<object, Promise<Verdict>>();
	/** For each accepted connection, how many table reads had been started when it was accepted. */
	const startedAtAccept = new WeakMap<object, number>();
	let started = 0;
	/** The latest read of each table (perhaps still running), numbered in the order they started. */
	const latest = new Map<string, {number: number; table: Promise<ProcTable>}>();
	let forget: NodeJS.Timeout | undefined;

	/** Reads that will start once the one in flight is done (one per table at most). */
	const scheduled = new Map<string, Promise<ProcTable>>();

	/**
	 * `path` as read after read number `after`: the latest read when it started after that, else
	 * the next read. Reads of a table never overlap: the next one starts when the one in flight
	 * is done, at the end of an event-loop turn, so it serves every connection accepted until it
	 * starts (a burst of fifty needs two or three reads, not one each).
	 */
	function tableAfter(path: string, after: number): Promise<ProcTable> {
		const shared = latest.get(path);
		if (shared && shared.number > after) return shared.table;
		let next = scheduled.get(path);
		if (!next) {
			const inFlight = shared?.table.catch(() => undefined) ?? Promise.resolve();
			next = inFlight
				.then(() => new Promise((resolve) => setImmediate(resolve)))
				.then(() => {
					scheduled.delete(path);
					started += 1;
					const read = {number: started, table: Promise.resolve().then(() => readTable(path)).then((text) => createProcTable(text))};
					latest.set(path, read);
					// A failed read (no /proc) is not kept: the next connection tries again.
					read.table.catch(() => {
						if (latest.get(path) === read) latest.delete(path);
					});
					clearTimeout(forget);
					forget = setTimeout(() => latest.clear(), tableKeepMs).unref();
					return read.table;
				});
			scheduled.set(path, next);
		}
		return next;
	}

	async function lookup(socket: Socket): Promise<PeerLookup> {
		// Checked without `accepted` (a test, another server): only a read started now will do.
		const after = startedAtAccept.get(socket) ?? started;
		const shared = await lookupIn(socket, (path) => tableAfter(path, after));
		if (shared.kind === 'uid') return shared;
		// Not in a shared read (or no uid in it): look once more, in a read of its own.
		const now = started;
		return lookupIn(socket, (path) => tableAfter(path, now));
	}

	const check: PeerCheck = function guardPeerUser(socket) {
		let verdict = verdicts.get(socket);
		if (!verdict) {
			verdict = lookup(socket).then((found) => decide(found, ownUid, allowRoot));
			verdicts.set(socket, verdict);
		}
		return verdict;
	};
	check.accepted = (socket) => {
		startedAtAccept.set(socket, started);
	};
	return check;
}

const singleUserHint = 'On a single-user machine, set server.sameUserOnly to false in the config.';

export function decide(lookup: PeerLookup, ownUid: number | null, allowRoot: boolean): Verdict {
	if (ownUid === null) {
		return forbid(`ctidesk cannot tell which local user connects on this system (no user ids). ${singleUserHint}`);
	}
	if (lookup.kind === 'unsupported') {
		return forbid(`ctidesk cannot tell which local user connects: ${lookup.reason}. ${singleUserHint}`);
	}
	if (lookup.kind === 'unknown') return forbid(`ctidesk could not identify the connecting user: ${lookup.reason}.`);
	if (lookup.uid === ownUid) return {ok: true};
	if (lookup.uid === 0 && allowRoot) return {ok: true};
	if (lookup.uid === 0) {
		return forbid(`This ctidesk belongs to uid ${ownUid}; root may drive it only with server.allowRoot set to true.`);
	}
	return forbid(`This ctidesk belongs to another user (uid ${ownUid}): only that user may drive the agent.`);
}

const allowAll: PeerCheck = async () => ({ok: true});

const checks = new WeakMap<object, PeerCheck>();

/**
 * The check the config asks for: the same-user rule, or every loopback peer when sameUserOnly
 * is off. One per config object, so the HTTP and WebSocket guards share per-socket verdicts.
 */
export function peerCheckFor(config: Pick<Config, 'server'>): PeerCheck {
	if (!config.server.sameUserOnly) return allowAll;
	let check = checks.get(config);
	if (!check) {
		check = createPeerUserCheck({ownUid: process.getuid?.() ?? null, allowRoot: config.server.allowRoot});
		checks.set(config, check);
	}
	return check;
}

/** Why the same-user rule cannot work here (to say once at start), or null when it can. */
export function peerUserUnsupported(config: Pick<Config, 'server'>, readTable: (path: string) => string = readProcNow): string | null {
	if (!config.server.sameUserOnly) return null;
	if (process.getuid === undefined) return `the same-user check needs user ids, which this system lacks: every connection is refused. ${singleUserHint}`;
	try {
		readTable('/proc/net/tcp');
		return null;
	} catch {
		try {
			readTable('/proc/net/tcp6');
			return null;
		} catch {
			return `the same-user check needs /proc/net/tcp, which this system lacks: every connection is refused. ${singleUserHint}`;
		}
	}
}
