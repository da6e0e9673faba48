// The log file. Nothing but Ink may write to the terminal (house rule 12), so logs go to a file
// through pino; headless mode adds stdout. Secrets are redacted by key wherever they appear.
import {mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import pino from 'pino';
import type {ActivityEntry} from './session/activity-log.js';

export type Logger = pino.Logger;

export const redactedKeys = ['pass', 'password', 'secret', 'sid', 'token'];

/** Batches not yet written, written at exit if their time never comes. */
const unwritten = new Set<() => void>();
let exitHookInstalled = false;

/** How long a logged line may wait for company before it is written, and how much may wait. */
export const logBatchMs = 20;
const logBatchBytes = 64 * 1024;

/**
 * The log file as a pino destination that writes in batches. Every CRM request logs a line;
 * written one by one, each line cost a write system call (pino's synchronous destination) or a
 * write handed to the thread pool and back (its asynchronous one), which at a CRM's burst of
 * requests was a large share of the local API's time (bench/cgi-latency.mjs). Lines are
 * joined and written synchronously in one call at most `logBatchMs` after the first of them, or
 * at once when 64 KiB are waiting, so the file is never more than a moment behind; the 'exit'
 * hook writes the last batch when the process exits (process.exit, an uncaught exception, a
 * signal the app handles). Only a SIGKILL can lose the last few milliseconds of log lines:
 * call records are not kept here (history.ts syncs each one to disk).
 */
/** Writes every batched log line now (before a process ends without its 'exit' event). */
export function flushLogs(): void {
	for (const write of [...unwritten]) write();
}

function batchedFile(file: string): pino.DestinationStream {
	const destination = pino.destination({dest: file, sync: true, mkdir: true});
	let pending = '';
	let timer: NodeJS.Timeout | null = null;
	const flush = () => {
		unwritten.delete(flush);
		if (timer) clearTimeout(timer);
		timer = null;
		const text = pending;
		pending = '';
		if (text !== '') destination.write(text);
	};
	if (!exitHookInstalled) {
		exitHookInstalled = true;
		process.on('exit', () => {
			for (const write of [...unwritten]) write();
		});
	}
	return {
		write(line: string) {
			if (pending === '') {
				unwritten.add(flush);
				// Unref'd: a log line waiting must not keep the process alive; the exit hook writes it.
				timer = setTimeout(flush, logBatchMs).unref();
			}
			pending += line;
			if (pending.length >= logBatchBytes) flush();
		},
	};
}

/** Where the activity sink writes its lines directly, and from which pino level each output takes them. */
const lineOutputs = new WeakMap<Logger, Array<{level: number; stream: pino.DestinationStream}>>();

export function createLogger({
	file,
	level = 'info',
	stdout = false,
}: {
	file: string | null;
	level?: string;
	stdout?: boolean;
}): Logger {
	const streams: pino.StreamEntry[] = [];
	if (file) {
		mkdirSync(dirname(file), {recursive: true});
		streams.push({level: level as pino.Level, stream: batchedFile(file)});
	}
	if (stdout) streams.push({level: level as pino.Level, stream: process.stdout});
	const logger = pino(
		{
			level,
			redact: {paths: [...redactedKeys, ...redactedKeys.map((key) => `*.${key}`)], censor: '***'},
			base: undefined,
		},
		streams.length > 0 ? pino.multistream(streams) : pino.destination('/dev/null'),
	);
	lineOutputs.set(
		logger,
		streams.map((entry) => ({
			level: logger.levels.values[entry.level as string] ?? 30,
			stream: entry.stream as pino.DestinationStream,
		})),
	);
	return logger;
}

/**
 * The activity log's sink into the log file: `{"level":…,"time":…,"source":…,"msg":…}`, the
 * line pino writes for `logger.child({source}).info(text)`, built here with one JSON.stringify
 * per field and written straight to the logger's outputs: every CRM request logs one, and
 * pino's general path (bindings, hooks, its string escaper, a multistream) cost several
 * microseconds of the local API's time per request (bench/cgi-latency.mjs). An activity line
 * has no object to redact. A logger made elsewhere (tests) gets the same lines through pino.
 */
export function logActivity(logger: Logger): (entry: ActivityEntry) => void {
	const outputs = lineOutputs.get(logger);
	if (!outputs) {
		const bySource = new Map<string, Logger>();
		return (entry) => {
			let child = bySource.get(entry.source);
			if (!child) bySource.set(entry.source, (child = logger.child({source: entry.source})));
			child[entry.level](entry.text);
		};
	}
	const sources = new Map<string, string>();
	return (entry) => {
		// The level is the app logger's to decide (`log.level` in the config).
		if (!logger.isLevelEnabled(entry.level)) return;
		const level = logger.levels.values[entry.level]!;
		let source = sources.get(entry.source);
		if (source === undefined) sources.set(entry.source, (source = JSON.stringify(entry.source)));
		const line = `{"level":${level},"time":${entry.at},"source":${source},"msg":${JSON.stringify(entry.text)}}\n`;
		for (const output of outputs) if (level >= output.level) output.stream.write(line);
	};
}
