// AMI session over TCP: banner, Login, ActionID correlation, event stream, keep-alive and
// reconnect. Knows AMI, nothing of agents (the driver maps events). xmpp.js shape: socket,
// parser, correlation and reconnect policy are separate pieces wired here.
//
// Facts from the captures (test/fixtures/asterisk-ami/README.md) this relies on:
// - Replies carry our ActionID; `OriginateResponse` is an *event* carrying the Originate's
//   ActionID and `Response:`, so it goes to event listeners, never to the pending action.
// - List actions answer `Response: Success` + `EventList: start`, then items, then a
//   `…Complete` event with `EventList: Complete`, all with our ActionID.
// - A bad login is answered after ~1 s, then Asterisk closes the socket.
// - `Event: Shutdown` is followed by a close with no Goodbye; ECONNREFUSED until it is back.
import {randomBytes} from 'node:crypto';
import {connect as netConnect, type Socket} from 'node:net';
import {systemClock, type Clock, type TimerHandle} from '../../driver.js';
import {createAmiParser, type AmiMessage} from './parser.js';
import {createReconnectBackoff, type ReconnectPolicy} from './reconnect.js';
import {serializeAction, type AmiAction} from './serializer.js';

export type AmiConnectionStatus = 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface AmiStatusChange {
	status: AmiConnectionStatus;
	/** Readable why, for 'disconnected': 'authentication failed', 'connection refused', 'PBX shut down'… */
	reason?: string;
	/** Attempts since the last successful login (1 = first try). */
	attempt: number;
	/** For 'disconnected': when the next attempt starts (absent when not retrying). */
	retryInMs?: number;
	/** For 'connected': the greeting, e.g. `Asterisk Call Manager/11.0.0`. */
	banner?: string;
}

export type AmiConnectionErrorCode = 'not-connected' | 'disconnected' | 'timeout' | 'closed';

/** A transport failure of an action. A PBX refusal is not an error: it is `Response: Error`. */
export class AmiConnectionError extends Error {
	readonly code: AmiConnectionErrorCode;
	constructor(code: AmiConnectionErrorCode, message: string) {
		super(message);
		this.name = 'AmiConnectionError';
		this.code = code;
	}
}

export interface AmiListResult {
	response: AmiMessage;
	/** The list items, in order, without the closing `…Complete` event. */
	events: AmiMessage[];
	/** The closing `…Complete` event (absent when the action was refused). */
	complete?: AmiMessage;
}

export interface AmiSendOptions {
	/** Overrides actionTimeoutMs (a synchronous Originate waits for its dial Timeout). */
	timeoutMs?: number;
}

export interface AmiConnectionOptions {
	host: string;
	port: number;
	username: string;
	secret: string;
	/** Login `Events:` mask: 'on', 'off' or classes such as 'call,agent'. Default 'on'. */
	events?: string;
	/** `Filter` expressions added after login (Operation: Add), e.g. '!Event: VarSet'. */
	filters?: readonly string[];
	/** Connect + banner + login must finish within this. Default 10 s. */
	connectTimeoutMs?: number;
	/** Ping this often while logged in; 0 disables. Default 20 s. */
	pingIntervalMs?: number;
	/** No Pong within this → the link is dead. Default 10 s. */
	pingTimeoutMs?: number;
	/** An action with no reply within this fails. Default 60 s. */
	actionTimeoutMs?: number;
	/** Backoff policy, or false for a single attempt. */
	reconnect?: Partial<ReconnectPolicy> | false;
	clock?: Clock;
	random?: () => number;
	socketFactory?: (target: {host: string; port: number}) => Socket;
	maxMessageBytes?: number;
}

export type AmiEventListener = (event: AmiMessage) => void;
export type AmiStatusListener = (change: AmiStatusChange) => void;

export interface AmiConnection {
	readonly status: AmiConnectionStatus;
	/** The greeting line of the current connection. */
	readonly banner: string | undefined;
	/** Starts connecting (and keeps reconnecting); resolves after the first attempt logged in or failed. */
	start(): Promise<void>;
	/**
	 * Sends an action and resolves with its `Response:` message (Success *or* Error: a PBX refusal
	 * is a value). Rejects with AmiConnectionError when not logged in, on a drop or timeout,
	 * and with AmiSerializeError (before writing) on a CR, LF or NUL.
	 */
	send(action: AmiAction, options?: AmiSendOptions): Promise<AmiMessage>;
	/** Sends a list action (QueueStatus, Status, CoreShowChannels…) and collects its items. */
	sendList(action: AmiAction, options?: AmiSendOptions): Promise<AmiListResult>;
	on(type: 'event', listener: AmiEventListener): () => void;
	on(type: 'status', listener: AmiStatusListener): () => void;
	/** Logs off when logged in, stops reconnecting, fails pending actions. */
	close(): Promise<void>;
}

interface Pending {
	id: string;
	list: boolean;
	response?: AmiMessage;
	events: AmiMessage[];
	timer: TimerHandle | undefined;
	resolve(value: AmiMessage | AmiListResult): void;
	reject(error: Error): void;
}

const reasonOf = (error: NodeJS.ErrnoException): string => {
	switch (error.code) {
		case 'ECONNREFUSED':
			return 'connection refused';
		case 'ECONNRESET':
			return 'connection reset';
		case 'ETIMEDOUT':
			return 'connection timed out';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'host not found';
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return 'host unreachable';
		default:
			return error.message;
	}
};

let connectionCounter = 0;

export function createAmiConnection(options: AmiConnectionOptions): AmiConnection {
	const clock = options.clock ?? systemClock;
	const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
	const pingIntervalMs = options.pingIntervalMs ?? 20_000;
	const pingTimeoutMs = options.pingTimeoutMs ?? 10_000;
	const actionTimeoutMs = options.actionTimeoutMs ?? 60_000;
	const reconnecting = options.reconnect !== false;
	const backoff = createReconnectBackoff(options.reconnect || {}, options.random);
	const socketFactory =
		options.socketFactory ??
		((target: {host: string; port: number}) => netConnect(target.port, target.host));

	const eventListeners = new Set<AmiEventListener>();
	const statusListeners = new Set<AmiStatusListener>();
	const pending = new Map<string, Pending>();

	// Per-connection-object prefix: ActionIDs never repeat within this process (counter), and
	// the random part keeps them apart from other AMI clients, because OriginateResponse
	// events carrying ActionIDs reach every session with `call` read access.
	const prefix = `ctd${(++connectionCounter).toString(36)}${randomBytes(3).toString('hex')}`;
	let actionCounter = 0;

	let status: AmiConnectionStatus = 'disconnected';
	let socket: Socket | undefined;
	let banner: string | undefined;
	let loggedIn = false;
	let closed = false;
	let attempt = 0;
	let dropReason: string | undefined;
	let authFailed = false;
	let connectTimer: TimerHandle | undefined;
	let retryTimer: TimerHandle | undefined;
	let pingTimer: TimerHandle | undefined;
	let firstAttempt: {resolve(): void} | undefined;

	const setStatus = (change: Omit<AmiStatusChange, 'attempt'>): void => {
		status = change.status;
		const full: AmiStatusChange = {...change, attempt};
		for (const listener of [...statusListeners]) listener(full);
	};

	const settleFirstAttempt = (): void => {
		firstAttempt?.resolve();
		firstAttempt = undefined;
	};

	const clearTimer = (timer: TimerHandle | undefined): undefined => {
		if (timer !== undefined) clock.clearTimeout(timer);
		return undefined;
	};

	const failAll = (error: AmiConnectionError): void => {
		const all = [...pending.values()];
		pending.clear();
		for (const entry of all) {
			entry.timer = clearTimer(entry.timer);
			entry.reject(error);
		}
	};

	const write = (
		action: AmiAction,
		list: boolean,
		timeoutMs: number,
	): Promise<AmiMessage | AmiListResult> => {
		const id = `${prefix}-${++actionCounter}`;
		// Serialize first: a hostile value throws before anything is registered or written.
		const bytes = serializeAction({...action, ActionID: id});
		const target = socket;
		if (!target)
			return Promise.reject(new AmiConnectionError('not-connected', 'AMI is not connected'));
		return new Promise((resolve, reject) => {
			const entry: Pending = {id, list, events: [], timer: undefined, resolve, reject};
			if (timeoutMs > 0) {
				entry.timer = clock.setTimeout(() => {
					if (pending.get(id) !== entry) return;
					pending.delete(id);
					reject(
						new AmiConnectionError(
							'timeout',
							`AMI action ${action.Action} got no reply within ${timeoutMs} ms`,
						),
					);
				}, timeoutMs);
			}
			pending.set(id, entry);
			target.write(bytes);
		});
	};

	const sendAny = (
		action: AmiAction,
		list: boolean,
		sendOptions: AmiSendOptions | undefined,
	): Promise<AmiMessage | AmiListResult> => {
		if (closed) return Promise.reject(new AmiConnectionError('closed', 'AMI connection is closed'));
		if (!loggedIn) {
			const why = dropReason ? `AMI is not connected (${dropReason})` : 'AMI is not connected';
			// Serialize anyway so a hostile value is reported as such even while offline.
			try {
				serializeAction(action);
			} catch (error) {
				return Promise.reject(error as Error);
			}
			return Promise.reject(new AmiConnectionError('not-connected', why));
		}
		try {
			return write(action, list, sendOptions?.timeoutMs ?? actionTimeoutMs);
		} catch (error) {
			return Promise.reject(error as Error);
		}
	};

	const onMessage = (message: AmiMessage): void => {
		const id = message.actionId;
		const entry = id === undefined ? undefined : pending.get(id);
		if (message.kind === 'response') {
			if (!entry || entry.response) return;
			if (!entry.list) {
				pending.delete(entry.id);
				entry.timer = clearTimer(entry.timer);
				entry.resolve(message);
				return;
			}
			entry.response = message;
			// A refused list action (or one that is not a list after all) has no items coming.
			if (message.get('EventList')?.toLowerCase() !== 'start') {
				pending.delete(entry.id);
				entry.timer = clearTimer(entry.timer);
				entry.resolve({response: message, events: []});
			}
			return;
		}
		if (message.kind === 'event') {
			if (entry?.list && entry.response && message.event !== 'OriginateResponse') {
				if (message.get('EventList')?.toLowerCase() === 'complete') {
					pending.delete(entry.id);
					entry.timer = clearTimer(entry.timer);
					entry.resolve({response: entry.response, events: entry.events, complete: message});
				} else {
					entry.events.push(message);
				}
				return;
			}
			if (message.event === 'Shutdown') {
				for (const listener of [...eventListeners]) listener(message);
				drop('PBX shut down');
				return;
			}
			for (const listener of [...eventListeners]) listener(message);
		}
	};

	const schedulePing = (): void => {
		pingTimer = clearTimer(pingTimer);
		if (pingIntervalMs <= 0 || !loggedIn) return;
		pingTimer = clock.setTimeout(() => {
			pingTimer = undefined;
			if (!loggedIn) return;
			write({Action: 'Ping'}, false, pingTimeoutMs).then(
				() => schedulePing(),
				(error: unknown) => {
					if (error instanceof AmiConnectionError && error.code === 'timeout')
						drop('PBX stopped answering (ping timeout)');
				},
			);
		}, pingIntervalMs);
	};

	const login = async (): Promise<void> => {
		const response = (await write(
			{
				Action: 'Login',
				Username: options.username,
				Secret: options.secret,
				Events: options.events ?? 'on',
			},
			false,
			0,
		)) as AmiMessage;
		if (response.response?.toLowerCase() !== 'success') {
			const message = response.get('Message') ?? 'login refused';
			authFailed = true;
			drop(/authentication/i.test(message) ? 'authentication failed' : `login refused: ${message}`);
			return;
		}
		for (const filter of options.filters ?? []) {
			await write({Action: 'Filter', Operation: 'Add', Filter: filter}, false, actionTimeoutMs);
		}
		connectTimer = clearTimer(connectTimer);
		loggedIn = true;
		dropReason = undefined;
		backoff.reset();
		setStatus({status: 'connected', ...(banner === undefined ? {} : {banner})});
		attempt = 0;
		settleFirstAttempt();
		schedulePing();
	};

	// Ends the current socket (if any), fails every pending action at once, and schedules the
	// next attempt. Safe to call more than once per socket: only the first reason counts.
	const drop = (reason: string): void => {
		const current = socket;
		if (!current) return;
		socket = undefined;
		loggedIn = false;
		dropReason = reason;
		connectTimer = clearTimer(connectTimer);
		pingTimer = clearTimer(pingTimer);
		current.removeAllListeners();
		current.on('error', () => {});
		current.destroy();
		failAll(new AmiConnectionError('disconnected', `AMI connection lost: ${reason}`));
		const cause = authFailed ? 'auth' : 'network';
		authFailed = false;
		if (closed) return;
		if (!reconnecting) {
			setStatus({status: 'disconnected', reason});
			settleFirstAttempt();
			return;
		}
		const delay = backoff.next(cause);
		setStatus({status: 'disconnected', reason, retryInMs: delay});
		settleFirstAttempt();
		retryTimer = clock.setTimeout(() => {
			retryTimer = undefined;
			open();
		}, delay);
	};

	const open = (): void => {
		if (closed || socket) return;
		attempt++;
		banner = undefined;
		authFailed = false;
		setStatus({status: 'connecting'});
		const current = socketFactory({host: options.host, port: options.port});
		socket = current;
		current.setNoDelay?.(true);
		const parser = createAmiParser({
			onMessage,
			onBanner: (line) => {
				if (banner !== undefined) return;
				banner = line;
				void login().catch((error: unknown) => {
					// A drop during login already reported itself; anything else is a real failure.
					if (!(error instanceof AmiConnectionError))
						drop(`login failed: ${(error as Error).message}`);
				});
			},
			...(options.maxMessageBytes === undefined ? {} : {maxMessageBytes: options.maxMessageBytes}),
		});
		connectTimer = clock.setTimeout(() => {
			connectTimer = undefined;
			drop(banner === undefined ? 'connection timed out (no AMI banner)' : 'login timed out');
		}, connectTimeoutMs);
		current.on('data', (chunk: Buffer) => {
			if (socket === current) parser.write(chunk);
		});
		current.on('error', (error: NodeJS.ErrnoException) => {
			if (socket === current) drop(reasonOf(error));
		});
		current.on('close', () => {
			if (socket !== current) return;
			parser.end();
			drop(
				banner === undefined
					? 'connection closed before the AMI banner'
					: 'connection closed by the PBX',
			);
		});
	};

	const on = ((type: 'event' | 'status', listener: AmiEventListener | AmiStatusListener) => {
		const set = (type === 'event' ? eventListeners : statusListeners) as Set<typeof listener>;
		set.add(listener);
		return () => {
			set.delete(listener);
		};
	}) as AmiConnection['on'];

	return {
		get status() {
			return status;
		},
		get banner() {
			return banner;
		},
		start() {
			if (closed)
				return Promise.reject(new AmiConnectionError('closed', 'AMI connection is closed'));
			if (socket || retryTimer !== undefined) return Promise.resolve();
			return new Promise<void>((resolve) => {
				firstAttempt = {resolve};
				open();
			});
		},
		send(action, sendOptions) {
			return sendAny(action, false, sendOptions) as Promise<AmiMessage>;
		},
		sendList(action, sendOptions) {
			return sendAny(action, true, sendOptions) as Promise<AmiListResult>;
		},
		on,
		async close() {
			if (closed) return;
			closed = true;
			retryTimer = clearTimer(retryTimer);
			pingTimer = clearTimer(pingTimer);
			const current = socket;
			if (current && loggedIn) {
				// Logoff is answered by Goodbye and then Asterisk closes; do not wait longer than a second.
				await new Promise<void>((resolve) => {
					const timer = clock.setTimeout(resolve, 1000);
					const done = () => {
						clock.clearTimeout(timer);
						resolve();
					};
					current.once('close', done);
					write({Action: 'Logoff'}, false, 0).then(done, done);
				});
			}
			if (socket) {
				const last = socket;
				socket = undefined;
				loggedIn = false;
				connectTimer = clearTimer(connectTimer);
				last.removeAllListeners();
				last.on('error', () => {});
				last.destroy();
			}
			failAll(new AmiConnectionError('closed', 'AMI connection closed'));
			setStatus({status: 'closed'});
			settleFirstAttempt();
		},
	};
}
