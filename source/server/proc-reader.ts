// Reads /proc/net/tcp{,6} off the event loop in one hop. The kernel hands these files out one
// page (4 KiB) per read() call, and the table lists every TCP socket on the machine (hundreds of
// KiB with the time-waits of a busy box): read with fs.promises that is a hundred thread-pool
// round trips per read, 100+ ms of wall time under load, during which more new connections
// arrive and each needs a read of its own (bench/cgi-latency.mjs: 25 reads for a burst of 50).
// A worker thread does the whole read synchronously (a few ms) and hands the bytes back.
// The worker is started on first use and never keeps the process alive.
import {Worker} from 'node:worker_threads';

// Plain CommonJS evaluated in the worker: no module file to locate (dist/ or a test run alike).
const workerSource = `
const {parentPort} = require('node:worker_threads');
const {readFileSync} = require('node:fs');
parentPort.on('message', ({id, path}) => {
	try {
		const read = readFileSync(path);
		// A copy that owns its memory, so it can be transferred rather than cloned.
		const bytes = new Uint8Array(read);
		parentPort.postMessage({id, bytes}, [bytes.buffer]);
	} catch (error) {
		parentPort.postMessage({id, error: String(error && error.message || error)});
	}
});
`;

interface Reply {
	id: number;
	bytes?: Uint8Array;
	error?: string;
}

export type ProcReader = (path: string) => Promise<string>;

export function createProcReader(): ProcReader {
	let worker: Worker | null = null;
	let nextId = 0;
	const pending = new Map<number, {resolve(text: string): void; reject(error: Error): void}>();

	function failAll(error: Error) {
		for (const {reject} of pending.values()) reject(error);
		pending.clear();
		worker = null;
	}

	function start(): Worker {
		const started = new Worker(workerSource, {eval: true});
		started.unref();
		started.on('message', ({id, bytes, error}: Reply) => {
			const waiter = pending.get(id);
			if (!waiter) return;
			pending.delete(id);
			if (bytes) waiter.resolve(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
			else waiter.reject(new Error(error ?? 'the /proc reader failed'));
		});
		started.on('error', failAll);
		started.on('exit', () => failAll(new Error('the /proc reader stopped')));
		return started;
	}

	return (path) =>
		new Promise((resolve, reject) => {
			worker ??= start();
			const id = nextId++;
			pending.set(id, {resolve, reject});
			worker.postMessage({id, path});
		});
}
