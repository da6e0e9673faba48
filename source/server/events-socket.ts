// ws://localhost:<port>/events — the session's event stream for CRM pages and attached TUIs.
// An upgrade never passes through Koa, so the same guards run here again (INK-PITFALLS 13).
// One subscription to the store serialises each event once and sends it to every open client;
// a client that cannot keep up is dropped rather than buffered without bound, so a stuck
// browser tab can never slow the session down.
//
// Clients that are not web pages (no Origin header: browsers always send one on a WebSocket
// handshake) are scripts and attached TUIs; they also get `activity` (the Events tab: the
// backlog on connect, then what was added since the last send, batched per event-loop turn)
// and `pops` (the Pops tab and the pending count: on connect and on each change), so an
// attached TUI shows what the instance shows. CRM pages get exactly snapshot/event/gap.
import type {IncomingMessage} from 'node:http';
import type {Duplex} from 'node:stream';
import {WebSocket, WebSocketServer} from 'ws';
import pino from 'pino';
import {toStatusJson} from '../core/status.js';
import type {SessionEvent} from '../core/types.js';
import type {ActivityEntry} from '../session/activity-log.js';
import type {DeskSettings, ExternalSource} from '../core/desk.js';
import type {ServerDeps} from './action.js';
import {allowedOrigins, checkRequest} from './guard.js';
import {peerCheckFor} from './peer-user.js';
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
	/** Not a web page: also gets activity and pops messages. */
	attached: boolean;
	/** Id of the last activity entry this client was sent. */
	activityId: number;
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
	const peerCheck = deps.peerCheck ?? peerCheckFor(deps.config());
	const allowed = () => allowedOrigins(deps.config());
	let attachedCount = 0;

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

	// Activity and pops: one send per event-loop turn however many entries were added in it
	// (a burst of CGI requests adds one line each).
	let activityFlush: NodeJS.Immediate | null = null;
	let popsFlush: NodeJS.Immediate | null = null;
	const activityMessage = (entries: readonly ActivityEntry[]) => JSON.stringify({type: 'activity', entries});
	const popsMessage = () => JSON.stringify({type: 'pops', view: deps.instance!.pops.getSnapshot()});
	const settingsMessage = (settings: ExternalSource<DeskSettings>) => JSON.stringify({type: 'settings', settings: settings.getSnapshot()});

	function flushActivity() {
		activityFlush = null;
		const entries = activity.getEntries();
		const last = entries.at(-1)?.id ?? 0;
		// Usually every client is at the same place: serialise each batch once.
		const batches = new Map<number, string>();
		for (const client of clients) {
			if (!client.attached || client.activityId >= last) continue;
			const from = client.activityId;
			let data = batches.get(from);
			if (data === undefined) batches.set(from, (data = activityMessage(entries.filter((entry) => entry.id > from))));
			client.activityId = last;
			send(client, data);
		}
	}

	const unsubscribeActivity = activity.subscribe(() => {
		if (attachedCount > 0) activityFlush ??= setImmediate(flushActivity);
	});

	const unsubscribePops =
		deps.instance?.pops.subscribe(() => {
			if (attachedCount === 0) return;
			popsFlush ??= setImmediate(() => {
				popsFlush = null;
				const data = popsMessage();
				for (const client of clients) if (client.attached) send(client, data);
			});
		}) ?? (() => undefined);

	// First contact from a CRM: an attached TUI can show the question too. Subscribed only while
	// one is attached, since a subscriber is what tells the service that someone can answer.
	const originRequests = deps.originRequests;
	const originMessage = () => JSON.stringify({type: 'origin-request', request: originRequests!.getSnapshot()});
	let unsubscribeOrigins: (() => void) | null = null;
	const sendOrigin = () => {
		const data = originMessage();
		for (const client of clients) if (client.attached) send(client, data);
	};
	function followOrigins(attached: number) {
		if (!originRequests) return;
		if (attached > 0 && !unsubscribeOrigins) unsubscribeOrigins = originRequests.subscribe(sendOrigin);
		if (attached === 0 && unsubscribeOrigins) {
			unsubscribeOrigins();
			unsubscribeOrigins = null;
		}
	}

	// Settings saved on the instance apply at once in attached TUIs too.
	const settingsSource = deps.instance?.settings;
	const unsubscribeSettings =
		settingsSource?.subscribe(() => {
			if (attachedCount === 0) return;
			const data = settingsMessage(settingsSource);
			for (const client of clients) if (client.attached) send(client, data);
		}) ?? (() => undefined);

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

	function accept(ws: WebSocket, since: number | null, attached: boolean) {
		const client: Client = {ws, alive: true, attached, activityId: 0};
		clients.add(client);
		if (attached) followOrigins((attachedCount += 1));
		activity.add('info', 'server', `WebSocket client connected${since === null ? '' : ` (since ${since})`}; ${clients.size} open`);
		ws.on('pong', () => {
			client.alive = true;
		});
		ws.on('error', (error) => logger.warn({err: error}, 'WebSocket client error'));
		ws.on('close', () => {
			clients.delete(client);
			if (attached) followOrigins((attachedCount -= 1));
			activity.add('info', 'server', `WebSocket client disconnected; ${clients.size} open`);
		});
		// Replay and subscription happen in this same tick, so no event can fall between them.
		const current = store.getSnapshot().seq;
		const replay = since === null ? null : since > current ? null : store.eventsSince(since);
		if (since !== null && replay) {
			for (const event of replay) send(client, eventMessage(event));
		} else {
			// A seq from the future means ctidesk restarted (seq starts again at 0): the client's view is stale too.
			if (since !== null) send(client, JSON.stringify({type: 'gap', since, seq: current}));
			send(client, snapshotMessage());
		}
		if (!attached) return;
		// The backlog, including the "connected" line above; later lines come from flushActivity.
		const entries = activity.getEntries();
		client.activityId = entries.at(-1)?.id ?? 0;
		send(client, activityMessage(entries));
		if (deps.instance) send(client, popsMessage());
		if (settingsSource) send(client, settingsMessage(settingsSource));
		if (originRequests) send(client, originMessage());
	}

	function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, path: string, since: Since, refuse: (status: number, message: string) => void) {
		if (socket.destroyed) return;
		if (path !== eventsPath) return refuse(404, `No WebSocket at ${printable(path, 60)}: use ${eventsPath}.`);
		if (!since.ok) return refuse(400, since.message);
		const attached = req.headers.origin === undefined;
		wss.handleUpgrade(req, socket, head, (ws) => accept(ws, since.value, attached));
	}

	return {
		handleUpgrade(req, socket, head) {
			const {path, since} = parseSince(req.url ?? '/');
			const refuse = (status: number, message: string) => {
				activity.add('warn', 'server', `WebSocket ${printable(path, 60)} → ${status} ${message}`);
				refuseUpgrade(socket, status, message);
			};
			checkRequest(req, allowed, peerCheck).then(
				(verdict) => {
					if (!verdict.ok) return refuse(verdict.status, verdict.message);
					upgrade(req, socket, head, path, since, refuse);
				},
				(error: unknown) => {
					logger.error({err: error}, 'WebSocket guard failed');
					refuse(503, 'Internal error in ctidesk: see its log file.');
				},
			);
		},
		get clientCount() {
			return clients.size;
		},
		async close() {
			clearInterval(heartbeat);
			unsubscribe();
			unsubscribeActivity();
			unsubscribePops();
			unsubscribeSettings();
			unsubscribeOrigins?.();
			if (activityFlush) clearImmediate(activityFlush);
			if (popsFlush) clearImmediate(popsFlush);
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
