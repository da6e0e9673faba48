// Finished calls, one JSON object per line, appended and fsync'd so a crash right after a call
// never loses its record. Read back newest first for the History tab.
import type {CallRecord} from '../core/types.js';
import {appendJsonLinesSync, readJsonLinesTailSync} from '../storage/jsonl.js';

export interface History {
	/**
	 * Appends a record (a later record for the same callId — its wrap-up code — supersedes the
	 * earlier one). When the disk refuses (full, gone), the record is kept and written before the
	 * next one, so none is lost while the process lives; the error is thrown for the caller to show.
	 */
	append(record: CallRecord): void;
	/** Records still waiting for the disk. */
	readonly pending: number;
	/** The newest `limit` records, newest first. Corrupt lines (a torn last write) are skipped. */
	readRecent(limit: number): CallRecord[];
}

/** How much of the file's end to read for the recent calls: enough for a few hundred records. */
const tailBytes = 256 * 1024;

/** Records kept in memory while the disk refuses them (a day of calls at a busy desk). */
const pendingLimit = 10_000;

export function createHistory(file: string): History {
	let waiting: CallRecord[] = [];
	return {
		get pending() {
			return waiting.length;
		},
		append(record) {
			waiting.push(record);
			if (waiting.length > pendingLimit) waiting = waiting.slice(-pendingLimit);
			appendJsonLinesSync(file, waiting);
			waiting = [];
		},
		readRecent(limit) {
			const lines = readJsonLinesTailSync(file, tailBytes, isRecord);
			const records: CallRecord[] = [];
			const seen = new Set<string>();
			for (let index = lines.length - 1; index >= 0 && records.length < limit; index -= 1) {
				const record = lines[index]!;
				// The newest line of a call wins (it carries the wrap-up code).
				if (!seen.has(record.callId)) {
					seen.add(record.callId);
					records.push(record);
				}
			}
			return records;
		},
	};
}

function isRecord(value: unknown): value is CallRecord {
	const record = value as Partial<CallRecord> | null;
	return typeof record === 'object' && record !== null && typeof record.callId === 'string' && typeof record.endedAt === 'number';
}
