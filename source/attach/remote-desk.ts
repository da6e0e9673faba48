// A Desk over a running instance's local API: the TUI of `ctidesk attach`. It starts from the
// WebSocket snapshot and applies each later event with the same pure reducer the instance runs,
// so both sides hold the same state; after a dropped link it reconnects with ?since=<last seq>
// and misses nothing. Commands go through POST /api/command: the same verbs as every client.
import WebSocket from 'ws';
import {reduce} from '../core/session.js';
import type {Command, Result, SessionEvent, SessionState} from '../core/types.js';
import type {ActivityEntry} from '../session/activity-log.js';
import type {Desk, DeskSettings, ExternalSource, OriginRequest, PopsView, ServerView} from '../core/desk.js';
import {createApiClient} from './api-client.js';

export interface InstanceDescription {
	ok: true;
	pid: number;
	version: string;
	configFile: string;
	capabilities: Desk['capabilities'];
	settings: DeskSettings;
}

export type ServerMessage =
	| {type: 'snapshot'; seq: number; state: SessionState}
	| {type: 'event'; seq: number; event: SessionEvent}
	| {type: 'gap'; since: number; seq: number}
	| {type: 'activity'; entries: ActivityEntry[]}
	| {type: 'pops'; view: PopsView}
	| {type: 'settings'; settings: DeskSettings}
	| {type: 'origin-request'; request: OriginRequest | null};

export interface RemoteDesk extends Desk {
	instance: InstanceDescription;
	/** Asks the instance to stop (logging the agent out first when `logout`). */
	stopInstance(logout: boolean): Promise<Result>;
	close(): void;
}

function createSource<T>(initial: T) {
	let value = initial;
	const listeners = new Set<() => void>();
	const source: ExternalSource<T> & {set(next: T): void; get(): T} = {
		getSnapshot: () => value,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		set(next) {
			if (next === value) return;
			value = next;
			for (const listener of listeners) listener();
		},
		get: () => value,
	};
	return source;
}

const activityLimit = 500;

export async function connectRemoteDesk(port: number, {now = Date.now} = {}): Promise<RemoteDesk> {
	const api = createApiClient(port);
	const instance = await api.get<InstanceDescription>('/api/instance');
	if (!instance.ok) throw new Error(`The process at port ${port} is not a ctidesk instance.`);

	const session = createSource<SessionState | null>(null);
	const activity = createSource<readonly ActivityEntry[]>([]);
	const pops = createSource<PopsView>({recent: [], fallbackLinks: [], pendingHidden: 0});
	const server = createSource<ServerView>({on: true, port, message: null});
	const liveSettings = createSource<DeskSettings>(instance.settings);
	const originRequest = createSource<OriginRequest | null>(null);
	let closed = false;
	let socket: WebSocket | null = null;
	let retryMs = 250;

	const apply = (message: ServerMessage) => {
		switch (message.type) {
			case 'snapshot':
				session.set(message.state);
				return;
			case 'event': {
				const state = session.get();
				if (!state || message.seq <= state.seq) return; // already applied (replay overlap)
				const next = reduce(state, message.event);
				session.set(next.seq === message.seq ? next : {...next, seq: message.seq});
				return;
			}
			case 'gap':
				return; // a fresh snapshot follows
			case 'activity': {
				// After a reconnect the instance sends its backlog again: keep each entry once.
				// Ids only grow within one instance run; a restarted instance starts again at 1,
				// and then its entries replace ours.
				const current = activity.get();
				const lastId = current.at(-1)?.id ?? 0;
				const restarted = message.entries.length > 0 && message.entries[0]!.id === 1 && lastId >= 1;
				const fresh = restarted
					? message.entries
					: message.entries.filter((entry) => entry.id > lastId);
				if (fresh.length === 0) return;
				const merged = restarted ? fresh : [...current, ...fresh];
				activity.set(merged.slice(Math.max(0, merged.length - activityLimit)));
				return;
			}
			case 'pops':
				pops.set(message.view);
				return;
			case 'settings':
				liveSettings.set(message.settings);
				return;
			case 'origin-request':
				originRequest.set(message.request);
				return;
		}
	};

	const connect = () =>
		new Promise<void>((resolve, reject) => {
			const since = session.get()?.seq;
			const url = `ws://127.0.0.1:${port}/events${since === undefined ? '' : `?since=${since}`}`;
			const ws = new WebSocket(url, {headers: {Host: `127.0.0.1:${port}`}});
			socket = ws;
			let opened = false;
			ws.on('open', () => {
				opened = true;
				retryMs = 250;
				server.set({on: true, port, message: null});
			});
			ws.on('message', (data) => {
				apply(JSON.parse(String(data)) as ServerMessage);
				if (session.get()) resolve();
			});
			ws.on('error', (error) => {
				if (!opened) reject(error);
			});
			ws.on('close', () => {
				if (closed) return;
				server.set({
					on: false,
					port,
					message: 'Lost the link to the ctidesk instance; reconnecting…',
				});
				setTimeout(() => {
					if (!closed) connect().catch(() => undefined);
				}, retryMs).unref();
				retryMs = Math.min(retryMs * 2, 5000);
			});
		});

	await connect();

	const sessionSource: Desk['session'] = {
		getSnapshot: () => session.get()!,
		subscribe: session.subscribe,
		async run(command: Command) {
			try {
				return await api.post<Result>('/api/command', {command});
			} catch (error) {
				return {
					ok: false,
					code: 'pbx-unavailable',
					message: `ctidesk instance unreachable: ${(error as Error).message}`,
				};
			}
		},
	};

	return {
		instance,
		session: sessionSource,
		capabilities: instance.capabilities,
		activity,
		pops,
		server,
		settings: instance.settings,
		liveSettings,
		originRequests: {
			getSnapshot: originRequest.getSnapshot,
			subscribe: originRequest.subscribe,
			answer(id, answer) {
				void api.post('/api/origin-answer', {id, answer}).catch(() => undefined);
			},
		},
		async openLink(url) {
			await api.post('/api/open-link', {url}).catch(() => undefined);
		},
		admin: null,
		now,
		mode: 'attached',
		async stopInstance(logout) {
			try {
				return await api.post<Result>('/api/shutdown', {logout});
			} catch (error) {
				return {ok: false, code: 'pbx-unavailable', message: (error as Error).message};
			}
		},
		close() {
			closed = true;
			socket?.close();
		},
	};
}
