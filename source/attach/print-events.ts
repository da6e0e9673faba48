// `ctidesk events --json [--since SEQ]`: the running instance's session events as NDJSON, each
// with its strictly increasing `seq`. After a dropped link it reconnects with ?since=<last seq>,
// so a consumer sees every event once: nothing lost, nothing twice.
import WebSocket from 'ws';
import type {ServerMessage} from './remote-desk.js';

export interface PrintEventsOptions {
	port: number;
	since: number | null;
	json: boolean;
	write(line: string): void;
	/** Stop after this many events (tests); default: run until the instance stops. */
	limit?: number;
}

export function printEvents({port, since, json, write, limit}: PrintEventsOptions): Promise<void> {
	let last = since;
	let printed = 0;
	let retryMs = 250;
	return new Promise((resolve) => {
		const connect = () => {
			const query = last === null ? '' : `?since=${last}`;
			const ws = new WebSocket(`ws://127.0.0.1:${port}/events${query}`, {
				headers: {Host: `127.0.0.1:${port}`},
			});
			ws.on('open', () => {
				retryMs = 250;
			});
			ws.on('message', (data) => {
				const message = JSON.parse(String(data)) as ServerMessage;
				if (message.type === 'snapshot') {
					// A fresh start (no --since) begins after the current state; a gap says what was lost.
					if (last === null) last = message.seq;
					return;
				}
				if (message.type === 'gap') {
					write(
						json
							? JSON.stringify({seq: message.seq, type: 'gap', since: message.since}) + '\n'
							: `gap: events after ${message.since} are no longer buffered\n`,
					);
					last = null;
					return;
				}
				if (message.type !== 'event' || (last !== null && message.seq <= last)) return;
				last = message.seq;
				write(
					json
						? JSON.stringify({...message.event, seq: message.seq}) + '\n'
						: `${message.seq} ${message.event.type}\n`,
				);
				printed += 1;
				if (limit !== undefined && printed >= limit) {
					ws.close();
					resolve();
				}
			});
			ws.on('close', () => {
				if (limit !== undefined && printed >= limit) return;
				setTimeout(connect, retryMs);
				retryMs = Math.min(retryMs * 2, 5000);
			});
			ws.on('error', () => undefined);
		};
		connect();
	});
}
