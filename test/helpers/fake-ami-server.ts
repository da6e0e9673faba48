// A fake Asterisk on 127.0.0.1:<random port> that replays a recorded AMI capture
// (test/fixtures/asterisk-ami/NN-name.{ami,actions,timeline.jsonl}) to a real client.
//
// How it replays
// - On connect it sends the recorded banner. Connection i plays scenarios[i] (the last one
//   repeats), so ['08-restart', '08-restart-reconnect'] covers a restart and the reconnect.
// - The recorded bytes are released in the recorded order and the recorded TCP chunking
//   (timeline `recv` entries). Nothing is released before the client asks for it:
//   when the client sends an action, it is matched to the next recorded action with the same
//   `Action:` name (recorded actions skipped on the way count as never sent). The recorded
//   ActionIDs (`04-03`) are rewritten to the client's own, and replies addressed to recorded
//   actions the client never sent are dropped (a real Asterisk would not send them).
//   Events without an ActionID are always played.
// - mode 'auto' (default): a matched action releases everything up to the point where the
//   recorded client sent its next action (or to the end), i.e. its reply plus the unsolicited
//   events that followed. With the driver sending the same actions as the recorder, a whole
//   call plays out by itself.
// - mode 'step': a matched action releases only up to its reply (for a list action, up to the
//   `…Complete` event). The test moves time forward itself with playUntil / playUntilNextAction /
//   playAll, e.g. to check the driver's state after AgentCalled and before AgentConnect.
// - Actions with no recorded counterpart (a driver's own Ping, QueueStatus resync, Filter…)
//   get `unmatched`: 'reply' (default: Success, `Ping: Pong` for Ping, Goodbye + close for
//   Logoff, an empty list for known list actions), 'ignore' (no answer: stays pending on the
//   client), or a function returning the raw reply text (ActionID already known to you).
// - When the recording ends with `closed-by-peer` the server closes the socket once the
//   last byte is released (bad login 02/02b, Logoff, Shutdown 08).
//
// Example for a driver test (scenario 06, click-to-dial):
//   const server = await startFakeAmiServer({scenarios: '06-outbound-click-to-dial', mode: 'step'});
//   const connection = createAmiConnection({host: server.host, port: server.port, username: 'ctidesk', secret: 'ctidesk'});
//   …driver.connect(); await server.waitForAction('Login');
//   void driver.dial('13900139000');
//   const originate = await server.waitForAction('Originate');  // originate.message.get('Channel')
//   await server.playUntil((m) => m.event === 'DialState');      // ringing
//   await server.playUntil((m) => m.event === 'BridgeEnter');    // talking
//   await server.playAll(); await server.close();
// `server.received` keeps every action the client sent (parsed), for assertions.
import {readFileSync} from 'node:fs';
import {createServer, type Server, type Socket} from 'node:net';
import {fileURLToPath} from 'node:url';
import {AmiMessage, createAmiParser} from '../../source/cti/asterisk/ami/parser.js';

export const amiFixturesDir = fileURLToPath(new URL('../fixtures/asterisk-ami/', import.meta.url));

export interface RecordedAction {
	/** Action name, e.g. 'Originate'. */
	action: string;
	/** The recorder's ActionID, e.g. '06-02'. */
	actionId: string;
	message: AmiMessage;
	/** Offset into the .ami file: what had been received when the recorder sent it. */
	recvOffset: number;
}

export interface RecordedMessage {
	start: number;
	end: number;
	message: AmiMessage;
}

export interface AmiScenario {
	name: string;
	bytes: Buffer;
	bannerEnd: number;
	/** Recorded TCP reads: [offset, offset + bytes). */
	chunks: Array<[number, number]>;
	actions: RecordedAction[];
	messages: RecordedMessage[];
	closedByPeer: boolean;
}

export interface ReceivedAction {
	/** 0-based connection number. */
	connection: number;
	action: string;
	actionId: string | undefined;
	message: AmiMessage;
	/** The recorded action it was matched to, if any. */
	recorded: RecordedAction | undefined;
}

export type UnmatchedPolicy = 'reply' | 'ignore' | ((action: AmiMessage) => string | undefined);

export interface FakeAmiServerOptions {
	scenarios: string | readonly string[];
	mode?: 'auto' | 'step';
	unmatched?: UnmatchedPolicy;
	fixturesDir?: string;
}

export interface FakeAmiServer {
	readonly host: '127.0.0.1';
	readonly port: number;
	/** Connections accepted so far. */
	readonly connections: number;
	/** Every action any client sent, in order. */
	readonly received: ReceivedAction[];
	/** Resolves once a client sent an action with this name (or matching the predicate), past or future. */
	waitForAction(match: string | ((action: ReceivedAction) => boolean)): Promise<ReceivedAction>;
	/** Resolves once `count` connections were accepted in total. */
	waitForConnections(count: number): Promise<void>;
	/** Releases bytes up to where the recorder sent its next action; returns that action (undefined at the end). */
	playUntilNextAction(): Promise<RecordedAction | undefined>;
	/** Releases bytes through the first not-yet-released recorded message matching `predicate`. */
	playUntil(predicate: (message: AmiMessage) => boolean): Promise<AmiMessage>;
	/** Releases everything left (and closes if the recording did). */
	playAll(): Promise<void>;
	/** Sends raw bytes on the current connection. */
	inject(raw: string | Buffer): Promise<void>;
	/** Drops the current client socket (as a network failure would). */
	kill(): void;
	/** Stops accepting connections (the client then gets ECONNREFUSED) or starts again. */
	setListening(listening: boolean): Promise<void>;
	close(): Promise<void>;
}

const scenarioCache = new Map<string, AmiScenario>();

function parseBlocks(bytes: Buffer): AmiMessage[] {
	const messages: AmiMessage[] = [];
	const parser = createAmiParser({onMessage: (message) => messages.push(message)});
	parser.write(bytes);
	parser.end();
	return messages;
}

export function loadAmiScenario(name: string, fixturesDir = amiFixturesDir): AmiScenario {
	const key = `${fixturesDir}\0${name}`;
	const cached = scenarioCache.get(key);
	if (cached) return cached;
	const bytes = readFileSync(`${fixturesDir}${name}.ami`);
	const timeline = readFileSync(`${fixturesDir}${name}.timeline.jsonl`, 'utf8')
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => JSON.parse(line) as Record<string, unknown>);
	const recordedActions = parseBlocks(readFileSync(`${fixturesDir}${name}.actions`));
	const sends = timeline.filter((entry) => entry['dir'] === 'send');
	if (sends.length !== recordedActions.length) {
		throw new Error(
			`${name}: ${sends.length} sends in the timeline but ${recordedActions.length} actions`,
		);
	}
	const actions = recordedActions.map((message, index): RecordedAction => {
		const send = sends[index]!;
		return {
			action: message.get('Action') ?? '',
			actionId: message.get('ActionID') ?? String(send['actionid']),
			message,
			recvOffset: Number(send['recv_offset']),
		};
	});
	const chunks = timeline
		.filter((entry) => entry['dir'] === 'recv')
		.map((entry): [number, number] => [
			Number(entry['offset']),
			Number(entry['offset']) + Number(entry['bytes']),
		]);
	const text = bytes.toString('latin1');
	const bannerEnd = text.indexOf('\r\n') + 2;
	const messages: RecordedMessage[] = [];
	for (let start = bannerEnd; start < bytes.length;) {
		const blank = text.indexOf('\r\n\r\n', start);
		if (blank === -1) break;
		const end = blank + 4;
		messages.push({start, end, message: parseBlocks(bytes.subarray(start, end))[0]!});
		start = end;
	}
	const scenario: AmiScenario = {
		name,
		bytes,
		bannerEnd,
		chunks,
		actions,
		messages,
		closedByPeer: timeline.some((entry) => entry['dir'] === 'closed-by-peer'),
	};
	scenarioCache.set(key, scenario);
	return scenario;
}

const LIST_COMPLETE: Record<string, string> = {
	queuestatus: 'QueueStatusComplete',
	queuesummary: 'QueueSummaryComplete',
	coreshowchannels: 'CoreShowChannelsComplete',
	status: 'StatusComplete',
};

function defaultReply(action: AmiMessage): string | undefined {
	const id = action.get('ActionID') ?? '';
	const name = (action.get('Action') ?? '').toLowerCase();
	if (name === 'ping')
		return `Response: Success\r\nActionID: ${id}\r\nPing: Pong\r\nTimestamp: 0.000000\r\n\r\n`;
	if (name === 'logoff')
		return `Response: Goodbye\r\nActionID: ${id}\r\nMessage: Thanks for all the fish.\r\n\r\n`;
	const complete = LIST_COMPLETE[name];
	if (complete) {
		return (
			`Response: Success\r\nActionID: ${id}\r\nEventList: start\r\nMessage: List will follow\r\n\r\n` +
			`Event: ${complete}\r\nActionID: ${id}\r\nEventList: Complete\r\nListItems: 0\r\n\r\n`
		);
	}
	return `Response: Success\r\nActionID: ${id}\r\nMessage: fake-ami-server: not in the recording\r\n\r\n`;
}

interface Session {
	index: number;
	socket: Socket;
	scenario: AmiScenario;
	/** Bytes of the .ami released (written or being written). */
	cursor: number;
	limit: number;
	nextRecorded: number;
	idMap: Map<string, string>;
	skipped: Set<string>;
	chain: Promise<void>;
	ended: boolean;
}

export async function startFakeAmiServer(options: FakeAmiServerOptions): Promise<FakeAmiServer> {
	const fixturesDir = options.fixturesDir ?? amiFixturesDir;
	const names =
		typeof options.scenarios === 'string' ? [options.scenarios] : [...options.scenarios];
	if (names.length === 0) throw new Error('startFakeAmiServer: no scenario');
	const scenarios = names.map((name) => loadAmiScenario(name, fixturesDir));
	const mode = options.mode ?? 'auto';
	const unmatched = options.unmatched ?? 'reply';

	const received: ReceivedAction[] = [];
	const actionWaiters: Array<{
		match: (action: ReceivedAction) => boolean;
		resolve(action: ReceivedAction): void;
	}> = [];
	const connectionWaiters: Array<{count: number; resolve(): void}> = [];
	const sockets = new Set<Socket>();
	let connections = 0;
	let current: Session | undefined;
	let port = 0;

	// Where a recorded reply to `actionId` ends (for a list: its …Complete event).
	const replyEnd = (scenario: AmiScenario, recorded: RecordedAction): number => {
		let end = recorded.recvOffset;
		let list = false;
		for (const {message, end: messageEnd, start} of scenario.messages) {
			if (start < recorded.recvOffset || message.actionId !== recorded.actionId) continue;
			if (message.kind === 'response') {
				end = messageEnd;
				list = message.get('EventList')?.toLowerCase() === 'start';
				if (!list) return end;
			} else if (list && message.get('EventList')?.toLowerCase() === 'complete') {
				return messageEnd;
			}
		}
		return end;
	};

	const nextSendOffset = (scenario: AmiScenario, after: number): number => {
		for (const action of scenario.actions) if (action.recvOffset > after) return action.recvOffset;
		return scenario.bytes.length;
	};

	const rewrite = (session: Session, text: string): string =>
		text.replace(/^ActionID: ([^\r\n]*)\r$/gm, (line, id: string) => {
			const mapped = session.idMap.get(id);
			return mapped === undefined ? line : `ActionID: ${mapped}\r`;
		});

	// Writes [cursor, limit) in the recorded chunking, skipping messages addressed to skipped actions.
	const pump = (session: Session): Promise<void> => {
		session.chain = session.chain.then(async () => {
			const {scenario, socket} = session;
			while (session.cursor < session.limit && !socket.destroyed) {
				const from = session.cursor;
				let to = session.limit;
				for (const [, chunkEnd] of scenario.chunks) {
					if (chunkEnd > from) {
						to = Math.min(to, chunkEnd);
						break;
					}
				}
				// A message with an ActionID goes out whole, so its ActionID line can be rewritten
				// (or the message dropped) in one piece; other messages keep the recorded chunking.
				const containing = scenario.messages.find((m) => m.start <= from && m.end > from);
				const id = containing?.message.actionId;
				if (containing && id !== undefined) {
					if (session.skipped.has(id)) {
						session.cursor = containing.end;
						continue;
					}
					to = Math.max(to, containing.end);
				} else {
					const next = scenario.messages.find((m) => m.start < to && m.end > to);
					if (next && next.message.actionId !== undefined && next.start > from) to = next.start;
				}
				session.cursor = to;
				const text = rewrite(session, scenario.bytes.toString('latin1', from, to));
				await new Promise<void>((resolve) =>
					socket.write(Buffer.from(text, 'latin1'), () => resolve()),
				);
				// Let the client see the recorded reads as separate reads (most of the time).
				await new Promise<void>((resolve) => setImmediate(resolve));
			}
			if (session.cursor >= scenario.bytes.length && scenario.closedByPeer && !session.ended) {
				session.ended = true;
				socket.end();
			}
		});
		return session.chain;
	};

	const release = (session: Session, upTo: number): Promise<void> => {
		session.limit = Math.max(session.limit, Math.min(upTo, session.scenario.bytes.length));
		return pump(session);
	};

	const onAction = (session: Session, message: AmiMessage): void => {
		const name = message.get('Action') ?? '';
		const {scenario} = session;
		let matched: RecordedAction | undefined;
		for (let j = session.nextRecorded; j < scenario.actions.length; j++) {
			if (scenario.actions[j]!.action.toLowerCase() === name.toLowerCase()) {
				matched = scenario.actions[j]!;
				for (let k = session.nextRecorded; k < j; k++)
					session.skipped.add(scenario.actions[k]!.actionId);
				session.nextRecorded = j + 1;
				break;
			}
		}
		const entry: ReceivedAction = {
			connection: session.index,
			action: name,
			actionId: message.actionId,
			message,
			recorded: matched,
		};
		received.push(entry);
		for (const waiter of [...actionWaiters]) {
			if (waiter.match(entry)) {
				actionWaiters.splice(actionWaiters.indexOf(waiter), 1);
				waiter.resolve(entry);
			}
		}
		if (matched) {
			if (message.actionId !== undefined) session.idMap.set(matched.actionId, message.actionId);
			const end =
				mode === 'auto'
					? Math.max(replyEnd(scenario, matched), nextSendOffset(scenario, matched.recvOffset))
					: replyEnd(scenario, matched);
			void release(session, end);
			return;
		}
		const reply =
			unmatched === 'ignore'
				? undefined
				: unmatched === 'reply'
					? defaultReply(message)
					: unmatched(message);
		if (reply === undefined) return;
		session.chain = session.chain.then(
			() => new Promise<void>((resolve) => session.socket.write(reply, () => resolve())),
		);
		if (name.toLowerCase() === 'logoff') {
			session.chain = session.chain.then(() => {
				session.ended = true;
				session.socket.end();
			});
		}
	};

	const server: Server = createServer((socket) => {
		socket.setNoDelay(true);
		sockets.add(socket);
		const index = connections++;
		const scenario = scenarios[Math.min(index, scenarios.length - 1)]!;
		const session: Session = {
			index,
			socket,
			scenario,
			cursor: 0,
			limit: 0,
			nextRecorded: 0,
			idMap: new Map(),
			skipped: new Set(),
			chain: Promise.resolve(),
			ended: false,
		};
		current = session;
		const parser = createAmiParser({onMessage: (message) => onAction(session, message)});
		socket.on('data', (chunk: Buffer) => parser.write(chunk));
		socket.on('error', () => {});
		socket.on('close', () => sockets.delete(socket));
		void release(session, scenario.bannerEnd);
		for (const waiter of [...connectionWaiters]) {
			if (connections >= waiter.count) {
				connectionWaiters.splice(connectionWaiters.indexOf(waiter), 1);
				waiter.resolve();
			}
		}
	});

	const listen = (at: number): Promise<void> =>
		new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(at, '127.0.0.1', () => {
				server.off('error', reject);
				port = (server.address() as {port: number}).port;
				resolve();
			});
		});
	await listen(0);

	const requireSession = (): Session => {
		if (!current) throw new Error('fake-ami-server: no client connected yet');
		return current;
	};

	return {
		host: '127.0.0.1',
		get port() {
			return port;
		},
		get connections() {
			return connections;
		},
		received,
		waitForAction(match) {
			const test =
				typeof match === 'string'
					? (action: ReceivedAction) => action.action.toLowerCase() === match.toLowerCase()
					: match;
			const found = received.find(test);
			if (found) return Promise.resolve(found);
			return new Promise((resolve) => actionWaiters.push({match: test, resolve}));
		},
		waitForConnections(count) {
			if (connections >= count) return Promise.resolve();
			return new Promise((resolve) => connectionWaiters.push({count, resolve}));
		},
		async playUntilNextAction() {
			const session = requireSession();
			const target = nextSendOffset(session.scenario, session.limit);
			await release(session, target);
			return session.scenario.actions.find(
				(action, index) => index >= session.nextRecorded && action.recvOffset === target,
			);
		},
		async playUntil(predicate) {
			const session = requireSession();
			const found = session.scenario.messages.find(
				(m) => m.end > session.limit && predicate(m.message),
			);
			if (!found)
				throw new Error(`fake-ami-server: no further message in ${session.scenario.name} matches`);
			await release(session, found.end);
			return found.message;
		},
		async playAll() {
			const session = requireSession();
			await release(session, session.scenario.bytes.length);
		},
		async inject(raw) {
			const session = requireSession();
			session.chain = session.chain.then(
				() => new Promise<void>((resolve) => session.socket.write(raw, () => resolve())),
			);
			await session.chain;
		},
		kill() {
			current?.socket.destroy();
		},
		async setListening(listening) {
			if (listening === server.listening) return;
			// server.close() stops accepting at once but calls back only when every open socket is
			// gone, so do not wait for it: the current client may still be connected.
			if (listening) await listen(port);
			else server.close();
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

export {AmiMessage};
