// ws://localhost:<port>/events — the session's event stream for CRM pages and attached TUIs.
// An upgrade never passes through Koa, so the same guards run here again (INK-PITFALLS 13).
// One subscription to the store serialises each event once and sends it to every open client;
// a client that cannot keep up is dropped rather than buffered without bound, so a stuck
// browser tab can never slow the session down.
import type {IncomingMessage} from 'node:http';
import type {Duplex} from 'node:stream';
import {WebSocket, WebSocketServer} from 'ws';
import pino from 'pino';
import {toStatusJson} from '../core/status.js';
import type {SessionEvent} from '../core/types.js';
import type {ServerDeps} from './action.js';
import {allowedOrigins, checkRequest} from './guard.js';
import {parseParams, printable} from './validate.js';

export interface EventsSocketOptions {
	/** Ping period; a client that has not answered the previous ping by the next is dropped. */
	heartbeatMs?: number;
	/** Bytes a client may have waiting before it is dropped as too slow. */
	maxBufferedBytes?: number;
}

export interface EventsSocket {
	/** The http server's 'upgrade' listener. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
	readonly clientCount: number;
	/** Closes every client with 1001 (going away) and stops the heartbeat. */
	close(): Promise<void>;
}

export const eventsPath = '/events';

interface Client {
	ws: WebSocket;
	alive: boolean;
}

const statusText: Record<number, string> = {400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable'};

function refuseUpgrade(socket: Duplex, status: number, message: string) {
	const body = `${message}\n`;
	socket.end(
		`HTTP/1.1 ${status} ${statusText[status] ?? 'Error'}\r\n` +
			'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\n' +
			`X-Content-Type-Options: nosniff\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
	);
	socket.destroy();
}

type Since = {ok: true; value: number | null} | {ok: false; message: string};

function parseSince(url: string): {path: string; since: Since} {
	const question = url.indexOf('?');
	const path = question === -1 ? url : url.slice(0, question);
	const query = parseParams(question === -1 ? '' : url.slice(question + 1));
	if (!query.ok) return {path, since: query};
	const raw = query.value.get('since');
	if (raw === undefined || raw === '') return {path, since: {ok: true, value: null}};
	if (!/^\d{1,15}$/.test(raw)) return {path, since: {ok: false, message: 'Parameter since must be an event seq (a whole number).'}};
	return {path, since: {ok: true, value: Number(raw)}};
}

export function createEventsSocket(deps: ServerDeps, options: EventsSocketOptions = {}): EventsSocket {
	const {store, activity} = deps;
	const logger = deps.logger ?? pino({level: 'silent'});
	const heartbeatMs = options.heartbeatMs ?? 20_000;
	const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
	// Clients only listen; a small payload limit stops anyone from making us buffer large frames.
	const wss = new WebSocketServer({noServer: true, maxPayload: 4096, clientTracking: false, perMessageDeflate: false});
	const clients = new Set<Client>();

	function send(client: Client, data: string): void {
		const {ws} = client;
		if (ws.readyState !== WebSocket.OPEN) return;
		if (ws.bufferedAmount + data.length > maxBuffered) {
			activity.add('warn', 'server', `WebSocket client dropped: it fell ${Math.round(ws.bufferedAmount / 1024)} KiB behind`);
			logger.warn({bufferedAmount: ws.bufferedAmount}, 'slow WebSocket client dropped');
			ws.terminate();
			return;
		}
		ws.send(data);
	}

	function snapshotMessage(): string {
		const state = store.getSnapshot();
		return JSON.stringify({type: 'snapshot', seq: state.seq, status: toStatusJson(state), state});
	}

	const eventMessage = (event: SessionEvent) => JSON.stringify({type: 'event', seq: event.seq, event});

	const unsubscribe = store.onEvent((event) => {
		if (clients.size === 0) return;
		const data = eventMessage(event);
		for (const client of clients) send(client, data);
	});

	const heartbeat = setInterval(() => {
		for (const client of clients) {
			if (!client.alive) {
				client.ws.terminate();
				continue;
			}
			client.alive = false;
			if (client.ws.readyState === WebSocket.OPEN) client.ws.ping();
		}
	}, heartbeatMs);
	heartbeat.unref();

	function accept(ws: WebSocket, since: number | null) {
		const client: Client = {ws, alive: true};
		clients.add(client);
		activity.add('info', 'server', `WebSocket client connected${since === null ? '' : ` (since ${since})`}; ${clients.size} open`);
		ws.on('pong', () => {
			client.alive = true;
		});
		ws.on('error', (error) => logger.warn({err: error}, 'WebSocket client error'));
		ws.on('close', () => {
			clients.delete(client);
			activity.add('info', 'server', `WebSocket client disconnected; ${clients.size} open`);
		});
		// Replay and subscription happen in this same tick, so no event can fall between them.
		const current = store.getSnapshot().seq;
		const replay = since === null ? null : since > current ? null : store.eventsSince(since);
		if (since !== null && replay) {
			for (const event of replay) send(client, eventMessage(event));
			return;
		}
		// A seq from the future means ctidesk restarted (seq starts again at 0): the client's view is stale too.
		if (since !== null) send(client, JSON.stringify({type: 'gap', since, seq: current}));
		send(client, snapshotMessage());
	}

	return {
		handleUpgrade(req, socket, head) {
			const {path, since} = parseSince(req.url ?? '/');
			const verdict = checkRequest(req, allowedOrigins(deps.config), deps.peerCheck);
			const refuse = (status: number, message: string) => {
				activity.add('warn', 'server', `WebSocket ${printable(path, 60)} → ${status} ${message}`);
				refuseUpgrade(socket, status, message);
			};
			if (!verdict.ok) return refuse(verdict.status, verdict.message);
			if (path !== eventsPath) return refuse(404, `No WebSocket at ${printable(path, 60)}: use ${eventsPath}.`);
			if (!since.ok) return refuse(400, since.message);
			wss.handleUpgrade(req, socket, head, (ws) => accept(ws, since.value));
		},
		get clientCount() {
			return clients.size;
		},
		async close() {
			clearInterval(heartbeat);
			unsubscribe();
			const closing = [...clients].map(
				(client) =>
					new Promise<void>((resolve) => {
						if (client.ws.readyState === WebSocket.CLOSED) return resolve();
						client.ws.once('close', () => resolve());
						client.ws.close(1001, 'ctidesk is shutting down');
						// A client that never answers the close frame must not hold up the shutdown.
						setTimeout(() => client.ws.terminate(), 1000).unref();
					}),
			);
			await Promise.all(closing);
			await new Promise<void>((resolve) => wss.close(() => resolve()));
		},
	};
}
