// Who may drive the agent through the local API. The checks are plain functions over the
// request's socket and headers, so HTTP requests and the WebSocket upgrade handler run exactly
// the same rules.
//
// The rules (README "CRM integration → Security"):
// 1. Peer: the TCP peer must be a loopback address (we bind loopback only; this is defence in
//    depth), then the PeerCheck: the same-user check of SPEC section 9 (peer-user.ts), which
//    createServer and the events socket take from config.server (or deps.peerCheck).
// 2. Host (DNS rebinding): a page on evil.example whose name was re-pointed at 127.0.0.1 still
//    sends `Host: evil.example`; only localhost, 127.0.0.1 and [::1] with our port pass.
// 3. Site (CSRF): a request that a browser marks as coming from another site (Sec-Fetch-Site
//    cross-site/same-site, an Origin, or a Referer that is not ours) is served only when that
//    site's origin is allowed. No markers at all (address bar on old browsers, curl, scripts)
//    and `Sec-Fetch-Site: none` (typed, bookmark) pass. A cross-site request that hides its
//    origin (rel=noreferrer, Referrer-Policy: no-referrer) is refused: a hostile page could
//    hide itself the same way. Every route, status.cgi included, follows this rule: status
//    leaks the customer's number, so reading it cross-site needs an allowed origin too.
import type {IncomingHttpHeaders, IncomingMessage} from 'node:http';
import type {Socket} from 'node:net';
import type {Config} from '../config/schema.js';
import {printable} from './validate.js';

export type Verdict = {ok: true} | {ok: false; status: 400 | 403; message: string};

const pass: Verdict = {ok: true};
const forbid = (message: string): Verdict => ({ok: false, status: 403, message});

/** The parts of the config that decide which web origins may use the API. */
export type OriginConfig = Pick<Config, 'pops' | 'links'> & {server: Pick<Config['server'], 'allowedOrigins'>};

function originOf(url: string): string | null {
	if (!URL.canParse(url)) return null;
	const parsed = new URL(url);
	return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
}

const allowedCache = new WeakMap<object, ReadonlySet<string>>();

/**
 * Origins allowed to call the API from a browser and to receive `url=` redirects: the home
 * URL's, the pop URLs', the preset links', and `server.allowedOrigins`.
 */
export function allowedOrigins(config: OriginConfig): ReadonlySet<string> {
	const cached = allowedCache.get(config);
	if (cached) return cached;
	const origins = new Set<string>();
	const {home, ring, answer, hangup, wrapup} = config.pops;
	const urls = [home.url, ring.url, answer.url, hangup.url, wrapup.url, ...config.links.map((link) => link.url)];
	for (const url of [...urls, ...config.server.allowedOrigins]) {
		const origin = url === '' ? null : originOf(url);
		if (origin) origins.add(origin);
	}
	allowedCache.set(config, origins);
	return origins;
}

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];

const ownCache = new Map<number, ReadonlySet<string>>();

/** Our own origins on `port`: pages we serve ourselves (the status page) count as same-site. */
export function ownOrigins(port: number): ReadonlySet<string> {
	let own = ownCache.get(port);
	if (!own) {
		own = new Set(loopbackNames.map((name) => (port === 80 ? `http://${name}` : `http://${name}:${port}`)));
		ownCache.set(port, own);
	}
	return own;
}

// ---------------------------------------------------------------------------------------------

const loopbackV4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function isLoopback(address: string | undefined): boolean {
	if (!address) return false;
	if (address === '::1') return true;
	const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
	return loopbackV4.test(v4);
}

export function checkLoopback(socket: Socket): Verdict {
	return isLoopback(socket.remoteAddress)
		? pass
		: forbid('The local API accepts connections from this computer only.');
}

/**
 * Who may connect, beyond "from this machine": the same-user check of SPEC section 9 is one
 * (peer-user.ts `peerCheckFor(config)`: Linux, the peer socket's owner from /proc/net/tcp).
 */
export interface PeerCheck {
	(socket: Socket): Promise<Verdict>;
	/**
	 * Told of each connection as the server accepts it (listen.ts), so the check knows which
	 * connections a lookup it already made can answer for.
	 */
	accepted?(socket: Socket): void;
}

/** The default when a caller passes no check: every loopback peer (server.sameUserOnly=false). */
export const guardPeer: PeerCheck = async function guardPeer() {
	return pass;
};

/**
 * `Host` must name this machine by a loopback name with our port. Browsers omit the port
 * only when it is the scheme's default, so a bare `localhost` is valid only on port 80;
 * accepting it elsewhere would let a rebound name on port 80 of a proxy reach us.
 */
export function checkHost(headers: IncomingHttpHeaders, localPort: number): Verdict {
	const host = headers.host;
	if (!host) return {ok: false, status: 400, message: 'The request has no Host header.'};
	if (ownHosts(localPort).has(host.toLowerCase())) return pass;
	return forbid(
		`Host ${printable(host)} is not allowed: use http://localhost:${localPort}/ (this refuses DNS-rebinding attacks).`,
	);
}

const hostCache = new Map<number, ReadonlySet<string>>();

/** The Host values naming us on `port`: each loopback name with the port, and without it on port 80. */
function ownHosts(port: number): ReadonlySet<string> {
	let hosts = hostCache.get(port);
	if (!hosts) {
		hosts = new Set(loopbackNames.flatMap((name) => (port === 80 ? [name, `${name}:80`] : [`${name}:${port}`])));
		hostCache.set(port, hosts);
	}
	return hosts;
}

export interface SiteVerdict {
	verdict: Verdict;
	/** The origin the browser says the request comes from (Origin, else the Referer's), or null. */
	claimed: string | null;
}

function single(value: string | string[] | undefined): string | undefined {
	// Node joins repeated Origin/Sec-Fetch-* lines with ', ', which then matches nothing allowed.
	return Array.isArray(value) ? value.join(', ') : value;
}

export function checkSite(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>, localPort: number): SiteVerdict {
	const own = ownOrigins(localPort);
	const origin = single(headers.origin);
	const referer = single(headers.referer);
	const fetchSite = single(headers['sec-fetch-site'])?.toLowerCase();
	// The Origin header is the browser's own statement of who asks; the Referer is a fallback
	// (browsers send no Origin on a GET navigation). An unparsable Referer counts as foreign.
	const claimed = origin ?? (referer === undefined ? null : (originOf(referer) ?? 'null'));
	const markedCrossSite = fetchSite === 'cross-site' || fetchSite === 'same-site';
	const foreign = claimed !== null && !own.has(claimed);
	if (!markedCrossSite && !foreign) return {verdict: pass, claimed};
	if (claimed !== null && (allowed.has(claimed) || own.has(claimed))) return {verdict: pass, claimed};
	if (claimed === null) {
		return {
			verdict: forbid(
				'A cross-site request without Origin or Referer is refused: the CRM page must not use Referrer-Policy: no-referrer or rel=noreferrer on links to ctidesk.',
			),
			claimed,
		};
	}
	return {
		verdict: forbid(
			`Requests from ${printable(claimed, 80)} are not allowed: add that origin to server.allowedOrigins in the config.`,
		),
		claimed,
	};
}

/** Browsers' speculative loads (prefetch, prerender) must never dial or transfer by themselves. */
export function checkPurpose(headers: IncomingHttpHeaders): Verdict {
	const secPurpose = single(headers['sec-purpose']);
	const purpose = single(headers.purpose);
	if (secPurpose === undefined && purpose === undefined) return pass;
	return /prefetch|prerender/i.test(`${secPurpose ?? ''} ${purpose ?? ''}`) ? forbid('Prefetch and prerender requests are refused.') : pass;
}

function countHostHeaders(rawHeaders: readonly string[]): number {
	let count = 0;
	for (let index = 0; index < rawHeaders.length; index += 2) {
		if (rawHeaders[index]!.length === 4 && rawHeaders[index]!.toLowerCase() === 'host') count += 1;
	}
	return count;
}

/** Who is connecting, and to which name: loopback peer, the peer slot, then the Host header. */
export async function checkConnection(req: IncomingMessage, peerCheck: PeerCheck = guardPeer): Promise<Verdict> {
	const socket = req.socket;
	const loopback = checkLoopback(socket);
	if (!loopback.ok) return loopback;
	const peer = await peerCheck(socket);
	if (!peer.ok) return peer;
	// Node keeps only the first of several Host headers; a proxy might have used another one.
	if (countHostHeaders(req.rawHeaders) > 1) return {ok: false, status: 400, message: 'More than one Host header.'};
	return checkHost(req.headers, socket.localPort ?? 0);
}

/** Every guard in order, for one WebSocket upgrade. */
export async function checkRequest(req: IncomingMessage, allowed: () => ReadonlySet<string>, peerCheck: PeerCheck = guardPeer): Promise<Verdict> {
	const connection = await checkConnection(req, peerCheck);
	if (!connection.ok) return connection;
	return checkSite(req.headers, allowed(), req.socket.localPort ?? 0).verdict;
}
