// Binds the local API to loopback only — 127.0.0.1 and, when the machine has IPv6, ::1 on the
// same port (browsers may resolve localhost to either) — and attaches the WebSocket stream.
// A bind failure is a value, not a crash: the TUI keeps running and its status line says that
// the local API is off and how to fix it.
import {createServer as createHttpServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import type {ServerDeps} from './action.js';
import type {LocalApiApp} from './create-server.js';
import {createEventsSocket, type EventsSocketOptions} from './events-socket.js';
import {peerCheckFor, peerUserUnsupported} from './peer-user.js';

export interface ListenError {
	code: string;
	/** The full explanation with the fixes (≤ ~200 characters), for the status line and the log. */
	message: string;
	/** A few words for a narrow status line. */
	short: string;
}

export type ListenResult =
	| {port: number; close(): Promise<void>; error: null}
	| {error: ListenError};

export type ListenDeps = ServerDeps & EventsSocketOptions & {port: number};

/** The readable error for a failed bind (README "Port 180" explains the fixes at length). */
export function describeListenError(code: string, port: number): ListenError {
	const other = port < 1024 ? 8000 + port : port + 1;
	if (code === 'EACCES') {
		return {
			code,
			message:
				`Local API off: port ${port} needs privileges. Use --port ${other}, or ` +
				'sudo setcap cap_net_bind_service=+ep $(readlink -f $(which node)), or ' +
				'sudo sysctl net.ipv4.ip_unprivileged_port_start=80',
			short: `Local API off: port ${port} needs privileges (see README)`,
		};
	}
	if (code === 'EADDRINUSE') {
		return {
			code,
			message: `Local API off: port ${port} is in use (another ctidesk?). Stop that program, or use --port ${other} (CRM links must then use that port).`,
			short: `Local API off: port ${port} in use`,
		};
	}
	return {
		code,
		message: `Local API off: cannot listen on 127.0.0.1:${port} (${code}).`,
		short: `Local API off (${code})`,
	};
}

function bind(server: Server, host: string, port: number): Promise<NodeJS.ErrnoException | null> {
	return new Promise((resolve) => {
		const onError = (error: NodeJS.ErrnoException) => resolve(error);
		server.once('error', onError);
		server.listen({host, port, ipv6Only: host === '::1', exclusive: true}, () => {
			server.off('error', onError);
			resolve(null);
		});
	});
}

function closeServer(server: Server): Promise<void> {
	return new Promise((resolve) => {
		if (!server.listening) return resolve();
		server.close(() => resolve());
		// Idle keep-alive connections would hold close() open until they time out.
		server.closeIdleConnections();
	});
}

// No IPv6 on this machine (a container, ipv6.disable=1): 127.0.0.1 alone is fine.
const noIpv6 = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EINVAL']);

export async function listenServer(app: LocalApiApp, deps: ListenDeps): Promise<ListenResult> {
	// The same check createServer and the events socket use (one per config): it learns of each
	// connection as it is accepted, so connections that arrive together share one /proc read.
	const peerCheck = deps.peerCheck ?? peerCheckFor(deps.config());
	const handler = app.callback();
	const make = () => {
		const server = createHttpServer({requestTimeout: 15_000, headersTimeout: 10_000}, handler);
		// The same-user check reads /proc asynchronously, so a client that half-closes right after
		// its request (`nc -N`, `socket.end(request)`) is seen to end before it is answered. Node
		// would then close the socket at once; keep it open for the answer, then close it.
		(server as Server & {httpAllowHalfOpen: boolean}).httpAllowHalfOpen = true;
		if (peerCheck.accepted) server.on('connection', peerCheck.accepted);
		server.keepAliveTimeout = 5000;
		// Node's default answer to a malformed request (400, close) is right; only keep it quiet.
		server.on('clientError', (_error, socket) => {
			if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
			socket.destroy();
		});
		return server;
	};
	// With port 0 the kernel picks a port for 127.0.0.1 that may be taken on ::1: try a few.
	for (let attempt = 0; ; attempt += 1) {
		const v4 = make();
		const v4Error = await bind(v4, '127.0.0.1', deps.port);
		if (v4Error) return {error: describeListenError(v4Error.code ?? 'UNKNOWN', deps.port)};
		const port = (v4.address() as AddressInfo).port;
		let v6: Server | null = make();
		const v6Error = await bind(v6, '::1', port);
		if (v6Error) {
			v6 = null;
			const code = v6Error.code ?? 'UNKNOWN';
			if (!noIpv6.has(code)) {
				await closeServer(v4);
				if (deps.port === 0 && attempt < 5) continue;
				// Someone else holds [::1]:port: a browser resolving localhost to ::1 would reach them, not us.
				return {error: describeListenError(code, deps.port)};
			}
		}
		const servers = v6 ? [v4, v6] : [v4];
		const events = createEventsSocket(deps, deps);
		for (const server of servers) server.on('upgrade', events.handleUpgrade);
		deps.activity.add('info', 'server', `Local API on http://localhost:${port}/cgi-bin/ (${v6 ? '127.0.0.1 and ::1' : '127.0.0.1'})`);
		// Fail closed, loudly: say once why every connection will be refused, and how to fix it.
		const unsupported = deps.peerCheck ? null : peerUserUnsupported(deps.config());
		if (unsupported) deps.activity.add('warn', 'server', `Local API: ${unsupported}`);
		let closing: Promise<void> | null = null;
		return {
			port,
			error: null,
			close() {
				closing ??= (async () => {
					await events.close();
					for (const server of servers) server.closeIdleConnections();
					await Promise.all(servers.map(closeServer));
				})();
				return closing;
			},
		};
	}
}
