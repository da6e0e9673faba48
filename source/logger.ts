// The log file. Nothing but Ink may write to the terminal (house rule 12), so logs go to a file
// through pino; headless mode adds stdout. Secrets are redacted by key wherever they appear.
import {mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import pino from 'pino';
import type {ActivityEntry} from './session/activity-log.js';

export type Logger = pino.Logger;

export const redactedKeys = ['pass', 'password', 'secret', 'sid', 'token'];

/** Batches waiting for the end of the current event-loop turn, written at exit if it never comes. */
const unwritten = new Set<() => void>();
let exitHookInstalled = false;

/**
 * The log file as a pino destination that writes once per event-loop turn. Every CRM request
 * logs a line; written one by one (pino's asynchronous SonicBoom) each line cost a write handed
 * to the thread pool and back, about half of the local API's logging time (bench/cgi-throughput.mjs).
 * Lines logged in one turn are joined and written synchronously in one call right after it (a
 * write to the page cache, as pino's default synchronous destination does per line), so the
 * file is never more than one turn behind, and the 'exit' hook writes a last batch even when
 * the process exits (process.exit, an uncaught exception) before the turn ends.
 */
function batchedFile(file: string): pino.DestinationStream {
	const destination = pino.destination({dest: file, sync: true, mkdir: true});
	let pending = '';
	const flush = () => {
		unwritten.delete(flush);
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
				setImmediate(flush);
			}
			pending += line;
		},
	};
}

export function createLogger({file, level = 'info', stdout = false}: {file: string | null; level?: string; stdout?: boolean}): Logger {
	const streams: pino.StreamEntry[] = [];
	if (file) {
		mkdirSync(dirname(file), {recursive: true});
		streams.push({level: level as pino.Level, stream: batchedFile(file)});
	}
	if (stdout) streams.push({level: level as pino.Level, stream: process.stdout});
	return pino(
		{
			level,
			redact: {paths: [...redactedKeys, ...redactedKeys.map((key) => `*.${key}`)], censor: '***'},
			base: undefined,
		},
		streams.length > 0 ? pino.multistream(streams) : pino.destination('/dev/null'),
	);
}

/**
 * The activity log's sink into the log file: `{"source": …, "msg": …}` at the entry's level.
 * One child logger per source, so the `source` field is serialised once rather than for every
 * request's line. The children log through a twin of `logger` on the same stream without the
 * redaction: pino's `*.key` redactor never censors a message, yet it re-serialises every line's
 * message string (~3 µs per call.cgi+hangup pair, bench/cgi-throughput.mjs), and an activity line
 * has no object to redact. Redaction stays on `logger` for everything else.
 */
export function logActivity(logger: Logger): (entry: ActivityEntry) => void {
	const stream = (logger as unknown as Record<symbol, pino.DestinationStream | undefined>)[pino.symbols.streamSym];
	const base = stream ? pino({level: 'trace', base: undefined}, stream) : logger;
	const bySource = new Map<string, Logger>();
	return (entry) => {
		// The level is the app logger's to decide (`log.level` in the config).
		if (!logger.isLevelEnabled(entry.level)) return;
		let child = bySource.get(entry.source);
		if (!child) {
			child = base.child({source: entry.source});
			bySource.set(entry.source, child);
		}
		child[entry.level](entry.text);
	};
}
