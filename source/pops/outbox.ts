// The durable queue behind hidden pops: a hidden pop is a call-log record for the CRM, and
// SPEC section 7 says none is lost when the CRM is down or ctidesk restarts.
//
// Storage: one append-only JSON-lines log, `outbox.log` in the outbox dir. Every change is a
// line — `add` (the pop, written and fsync'd BEFORE the first request goes out), `done` (after
// a 2xx/3xx, written before the next item of that call is sent; fsync'd with the next batch)
// and `failed` (given up, kept visible). A torn last line from a crash is skipped on load. The log is compacted (rewritten
// atomically with only the live items) once enough finished items pile up.
//
// Delivery rules:
// - In order per call: an item waits until every earlier item of the same call is done or
//   failed (a CRM must not see the hangup before the ring). Calls are independent.
// - 2xx: delivered. 3xx: delivered too — the CRM accepted the request and answered with a
//   redirect meant for a browser; redirects are never followed (manual), so a pop is never
//   sent on to another origin with the CRM's cookies.
// - Connection refused, DNS failure, timeout, 408, 425, 429 and 5xx: the CRM is down or busy:
//   retried with capped exponential backoff (429/503 Retry-After honoured, capped), forever.
// - Any other 4xx (and malformed URLs): retrying cannot help; the item is recorded as failed,
//   stays visible in the snapshot and the Events tab, and is not retried.
// - Restart / kill -9: pending items are loaded and sent again. A crash after the CRM received
//   a request but before its `done` line was written resends that one item once (after power
//   loss: before the line was fsync'd): the CRM sees at most one duplicate, and only in that
//   window. Once `done` is on disk it is never resent.
import {mkdir, open} from 'node:fs/promises';
import type {FileHandle} from 'node:fs/promises';
import {join} from 'node:path';
import type {Clock, TimerHandle} from '../cti/driver.js';
import {readJsonLines, toJsonLines} from '../storage/jsonl.js';
import {syncDirectory, writeFileAtomic} from '../storage/atomic-write.js';

export interface OutboxCookieJar {
	cookieHeader(url: string): Promise<string>;
	store(url: string, setCookie: readonly string[]): Promise<void>;
}

export interface OutboxActivity {
	add(level: 'info' | 'warn' | 'error', source: string, text: string): void;
}

export interface OutboxItem {
	id: number;
	/** Which pop (ring, answer, hangup, wrapup, home). */
	kind: string;
	url: string;
	/** Items of one call are delivered in order; null (the home URL) is its own sequence. */
	callId: string | null;
	/** When it was queued (epoch ms). */
	at: number;
}

export interface FailedItem extends OutboxItem {
	failedAt: number;
	reason: string;
}

export interface OutboxSnapshot {
	/** Items not yet delivered (including the ones being sent and waiting for a retry). */
	pending: number;
	/** Given-up items, newest last (bounded). */
	failed: readonly FailedItem[];
	/** The last delivery error, cleared by the next success. */
	lastError: string | null;
	/** When the next retry is due (epoch ms), or null. */
	nextRetryAt: number | null;
}

export type OutboxSettlement =
	| {item: OutboxItem; outcome: 'delivered'; status: number}
	| {item: OutboxItem; outcome: 'failed'; status: number | null; reason: string};

export interface Outbox {
	/** Writes the item to disk (fsync'd), then starts delivering it. Resolves once it is on disk. */
	enqueue(item: {kind: string; url: string; callId: string | null}): Promise<OutboxItem>;
	getSnapshot(): OutboxSnapshot;
	subscribe(listener: () => void): () => void;
	/** Called when an item is delivered or given up. */
	onSettled(listener: (settlement: OutboxSettlement) => void): () => void;
	/**
	 * Sends every item waiting for a retry now, instead of at its backoff time: the reason it
	 * failed may be gone (the agent just logged in to the CRM in the managed browser).
	 */
	retryNow(): void;
	/** Stops timers and in-flight requests (they stay pending for the next start) and closes the log. */
	close(): Promise<void>;
}

/**
 * Delivers one item another way than fetch (the managed browser's hidden page, issue 15). Its
 * verdict follows the same rules; it may retry what fetch would give up (a CRM asking to log in).
 */
export type OutboxTransport = (url: string, signal: AbortSignal) => Promise<Verdict>;

export interface OutboxOptions {
	dir: string;
	clock: Clock;
	fetch?: typeof globalThis.fetch;
	/** Read at every attempt: a transport to use instead of fetch, or null for fetch. */
	transport?: () => OutboxTransport | null;
	cookieJar?: OutboxCookieJar;
	activity?: OutboxActivity;
	backoff?: {initialMs: number; maxMs: number};
	/** Per-request timeout (default 10 s). */
	timeoutMs?: number;
	/** Compact the log once this many finished items are in it (default 500). */
	compactAfter?: number;
	/** How many failed items stay visible (default 50). */
	failedLimit?: number;
}

type LogRecord =
	| ({op: 'add'} & OutboxItem)
	| {op: 'done'; id: number; at: number; status: number}
	| {op: 'failed'; id: number; at: number; status: number | null; reason: string};

const logName = 'outbox.log';

/** The item a call group is sending or waiting to retry. */
interface Busy {
	item: OutboxItem;
	attempt: number;
	timer: TimerHandle | null;
	controller: AbortController | null;
}

export type Verdict =
	| {type: 'delivered'; status: number}
	| {type: 'retry'; reason: string; retryAfterMs: number | null}
	| {type: 'failed'; status: number | null; reason: string};

export async function createOutbox(options: OutboxOptions): Promise<Outbox> {
	const {clock} = options;
	const fetchImpl = options.fetch ?? globalThis.fetch;
	const backoff = options.backoff ?? {initialMs: 1000, maxMs: 60_000};
	const timeoutMs = options.timeoutMs ?? 10_000;
	const compactAfter = options.compactAfter ?? 500;
	const failedLimit = options.failedLimit ?? 50;
	const file = join(options.dir, logName);

	await mkdir(options.dir, {recursive: true});
	const loaded = await load(file);
	let nextId = loaded.maxId + 1;
	/** Pending items in id order. */
	const pending = new Map<number, OutboxItem>(loaded.pending.map((item) => [item.id, item]));
	let failed: readonly FailedItem[] = loaded.failed.slice(-failedLimit);
	let finishedInLog = loaded.finished;

	// Rewrite at start: drops finished items and a torn last line before new lines follow it.
	await writeFileAtomic(file, serialiseLive());
	finishedInLog = 0;
	let handle: FileHandle | null = await open(file, 'a', 0o600);
	await syncDirectory(options.dir);

	// --- the log writer: batches lines into one write + fsync (group commit) --------------------
	let buffer: string[] = [];
	let waiters: Array<{resolve: () => void; reject: (error: unknown) => void}> = [];
	let syncWanted = false;
	let writing: Promise<void> | null = null;

	/**
	 * Appends a record. `sync`: resolve only once it is fsync'd (new items: they must survive
	 * power loss before the request goes out). Without it the record is written (so it survives
	 * kill -9: the page cache outlives the process) and reaches the disk with the next fsync; a
	 * `done` lost to power failure means one resend, the documented duplicate window, and not
	 * waiting for it keeps the next pop's fsync from queueing behind it.
	 */
	function append(record: LogRecord, sync: boolean): Promise<void> {
		return new Promise((resolve, reject) => {
			buffer.push(`${JSON.stringify(record)}\n`);
			waiters.push({resolve, reject});
			syncWanted ||= sync;
			writing ??= writeLoop().finally(() => {
				writing = null;
			});
		});
	}

	async function writeLoop() {
		while (buffer.length > 0) {
			const lines = buffer.join('');
			const batch = waiters;
			const sync = syncWanted;
			buffer = [];
			waiters = [];
			syncWanted = false;
			try {
				if (!handle) throw new Error('outbox is closed');
				await handle.write(lines);
				if (sync) await handle.datasync();
				for (const waiter of batch) waiter.resolve();
			} catch (error) {
				for (const waiter of batch) waiter.reject(error);
			}
			if (finishedInLog >= compactAfter && handle) await compact();
		}
	}

	function serialiseLive(): string {
		const lines: LogRecord[] = [];
		for (const item of failed) {
			const {failedAt, reason, ...rest} = item;
			lines.push({op: 'add', ...rest}, {op: 'failed', id: item.id, at: failedAt, status: null, reason});
		}
		for (const item of pending.values()) lines.push({op: 'add', ...item});
		return toJsonLines(lines);
	}

	async function compact() {
		try {
			await handle?.close();
			handle = null;
			await writeFileAtomic(file, serialiseLive());
			finishedInLog = 0;
		} catch (error) {
			report('error', `outbox compaction failed: ${describe(error)}`);
		} finally {
			if (!closed) handle = await open(file, 'a', 0o600);
		}
	}

	// --- delivery -------------------------------------------------------------------------------
	const listeners = new Set<() => void>();
	const settledListeners = new Set<(settlement: OutboxSettlement) => void>();
	/** Per call group: the item being sent or waiting for its retry. */
	const busyGroups = new Map<string, Busy>();
	/** Per call group: when its retry is due. */
	const retryTimes = new Map<string, number>();
	let lastError: string | null = null;
	let closed = false;
	let snapshot: OutboxSnapshot = makeSnapshot();

	function makeSnapshot(): OutboxSnapshot {
		let nextRetryAt: number | null = null;
		for (const busy of retryTimes.values()) nextRetryAt = nextRetryAt === null ? busy : Math.min(nextRetryAt, busy);
		return {pending: pending.size, failed, lastError, nextRetryAt};
	}

	function changed() {
		snapshot = makeSnapshot();
		for (const listener of listeners) listener();
	}

	function groupOf(item: OutboxItem): string {
		return item.callId === null ? '\u0000home' : `call:${item.callId}`;
	}

	/** Starts the first pending item of every group that is not busy. */
	function pump() {
		if (closed) return;
		for (const item of pending.values()) {
			const group = groupOf(item);
			if (busyGroups.has(group)) continue;
			const busy: Busy = {item, attempt: 0, timer: null, controller: null};
			busyGroups.set(group, busy);
			void attempt(group, busy);
		}
	}

	async function attempt(group: string, busy: Busy) {
		const verdict = await send(busy);
		if (closed) return;
		const {item} = busy;
		if (verdict.type === 'retry') {
			busy.attempt += 1;
			const computed = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(busy.attempt - 1, 30));
			const delay = verdict.retryAfterMs === null ? computed : Math.min(backoff.maxMs, Math.max(computed, verdict.retryAfterMs));
			lastError = `${item.kind} pop for ${item.callId ?? 'home'}: ${verdict.reason}`;
			if (busy.attempt === 1) report('warn', `hidden ${item.kind} pop not delivered (${verdict.reason}); retrying`);
			retryTimes.set(group, clock.now() + delay);
			busy.timer = clock.setTimeout(() => {
				busy.timer = null;
				retryTimes.delete(group);
				changed();
				void attempt(group, busy);
			}, delay);
			changed();
			return;
		}
		// Record the outcome on disk before the next item of this call may go out.
		const at = clock.now();
		try {
			if (verdict.type === 'delivered') await append({op: 'done', id: item.id, at, status: verdict.status}, false);
			else await append({op: 'failed', id: item.id, at, status: verdict.status, reason: verdict.reason}, false);
		} catch (error) {
			// The request went through but the disk refused the record: it may be resent after a
			// restart (the documented duplicate window), never lost.
			report('error', `outbox could not record ${item.kind} pop ${item.id}: ${describe(error)}`);
		}
		if (closed) return;
		finishedInLog += 1;
		pending.delete(item.id);
		busyGroups.delete(group);
		if (verdict.type === 'delivered') {
			lastError = null;
			if (busy.attempt > 0) report('info', `hidden ${item.kind} pop delivered after ${busy.attempt + 1} attempts`);
			emit({item, outcome: 'delivered', status: verdict.status});
		} else {
			failed = [...failed, {...item, failedAt: at, reason: verdict.reason}].slice(-failedLimit);
			lastError = `${item.kind} pop for ${item.callId ?? 'home'}: ${verdict.reason}`;
			report('error', `hidden ${item.kind} pop failed, not retried: ${verdict.reason}`);
			emit({item, outcome: 'failed', status: verdict.status, reason: verdict.reason});
		}
		changed();
		pump();
	}

	async function send(busy: Busy): Promise<Verdict> {
		const {url} = busy.item;
		if (!isHttpUrl(url)) return {type: 'failed', status: null, reason: `not an http(s) URL: ${url}`};
		const controller = new AbortController();
		busy.controller = controller;
		const timer = clock.setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
		const transport = options.transport?.() ?? null;
		try {
			if (transport) return await transport(url, controller.signal);
			const headers: Record<string, string> = {accept: 'text/html,application/json;q=0.9,*/*;q=0.8'};
			const cookie = options.cookieJar ? await options.cookieJar.cookieHeader(url) : '';
			if (cookie !== '') headers.cookie = cookie;
			const response = await fetchImpl(url, {method: 'GET', headers, redirect: 'manual', signal: controller.signal});
			// Free the connection; the body of a logging request means nothing to ctidesk.
			await response.body?.cancel().catch(() => undefined);
			const setCookie = response.headers.getSetCookie();
			if (options.cookieJar && setCookie.length > 0) await options.cookieJar.store(url, setCookie);
			return classify(response.status, response.headers.get('retry-after'));
		} catch (error) {
			return {type: 'retry', reason: controller.signal.aborted ? describe(controller.signal.reason) : describeFetchError(error), retryAfterMs: null};
		} finally {
			clock.clearTimeout(timer);
			busy.controller = null;
		}
	}

	function emit(settlement: OutboxSettlement) {
		for (const listener of settledListeners) {
			try {
				listener(settlement);
			} catch {
				// A listener's failure must not stop delivery.
			}
		}
	}

	function report(level: 'info' | 'warn' | 'error', text: string) {
		options.activity?.add(level, 'pops', text);
	}

	if (pending.size > 0) report('info', `outbox: ${pending.size} hidden pop(s) from the last run to deliver`);
	pump();

	return {
		async enqueue({kind, url, callId}) {
			if (closed) throw new Error('outbox is closed');
			const item: OutboxItem = {id: nextId++, kind, url, callId, at: clock.now()};
			await append({op: 'add', ...item}, true);
			pending.set(item.id, item);
			changed();
			pump();
			return item;
		},
		getSnapshot: () => snapshot,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		onSettled(listener) {
			settledListeners.add(listener);
			return () => settledListeners.delete(listener);
		},
		retryNow() {
			for (const [group, busy] of busyGroups) {
				if (busy.timer === null) continue;
				clock.clearTimeout(busy.timer);
				busy.timer = null;
				retryTimes.delete(group);
				void attempt(group, busy);
			}
			changed();
		},
		async close() {
			if (closed) return;
			closed = true;
			for (const busy of busyGroups.values()) {
				if (busy.timer !== null) clock.clearTimeout(busy.timer);
				busy.controller?.abort(new Error('outbox closed'));
			}
			busyGroups.clear();
			retryTimes.clear();
			await writing;
			await handle?.datasync().catch(() => undefined);
			await handle?.close();
			handle = null;
		},
	};
}

function classify(status: number, retryAfter: string | null): Verdict {
	if (status >= 200 && status < 400) return {type: 'delivered', status};
	if (status === 408 || status === 425 || status === 429 || status >= 500) {
		return {type: 'retry', reason: `HTTP ${status}`, retryAfterMs: parseRetryAfter(retryAfter)};
	}
	return {type: 'failed', status, reason: `HTTP ${status}`};
}

function parseRetryAfter(value: string | null): number | null {
	if (value === null) return null;
	const seconds = Number(value.trim());
	return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

function isHttpUrl(url: string): boolean {
	try {
		const {protocol} = new URL(url);
		return protocol === 'http:' || protocol === 'https:';
	} catch {
		return false;
	}
}

function isLogRecord(value: unknown): value is LogRecord {
	return typeof value === 'object' && value !== null && typeof (value as {id?: unknown}).id === 'number';
}

async function load(file: string): Promise<{pending: OutboxItem[]; failed: FailedItem[]; finished: number; maxId: number}> {
	// A line torn by a crash mid-write is skipped: its item was never acknowledged.
	const {records} = await readJsonLines(file, isLogRecord);
	const items = new Map<number, OutboxItem>();
	const failed = new Map<number, FailedItem>();
	let finished = 0;
	let maxId = 0;
	for (const record of records) {
		maxId = Math.max(maxId, record.id);
		if (record.op === 'add') {
			if (typeof record.url === 'string' && typeof record.kind === 'string') {
				items.set(record.id, {id: record.id, kind: record.kind, url: record.url, callId: record.callId ?? null, at: record.at});
			}
		} else if (record.op === 'done') {
			if (items.delete(record.id)) finished += 1;
		} else if (record.op === 'failed') {
			const item = items.get(record.id);
			if (item) {
				items.delete(record.id);
				failed.set(record.id, {...item, failedAt: record.at, reason: record.reason});
				finished += 1;
			}
		}
	}
	const byId = (a: {id: number}, b: {id: number}) => a.id - b.id;
	return {pending: [...items.values()].sort(byId), failed: [...failed.values()].sort(byId), finished, maxId};
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** undici reports every network failure as "fetch failed"; the useful part is the cause's code. */
function describeFetchError(error: unknown): string {
	const cause = (error as {cause?: {code?: string; message?: string}} | null)?.cause;
	if (cause?.code) return cause.code === 'ECONNREFUSED' ? 'connection refused' : cause.code;
	return cause?.message ?? describe(error);
}
