// Finished calls, one JSON object per line, appended and fsync'd so a crash right after a call
// never loses its record. Read back newest first for the History tab.
import {closeSync, fsyncSync, mkdirSync, openSync, readSync, fstatSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';
import type {CallRecord} from '../core/types.js';

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
			writeRecords(file, waiting);
			waiting = [];
		},
		readRecent(limit) {
			let fd: number;
			try {
				fd = openSync(file, 'r');
			} catch {
				return [];
			}
			try {
				const size = fstatSync(fd).size;
				const length = Math.min(size, tailBytes);
				const buffer = Buffer.alloc(length);
				readSync(fd, buffer, 0, length, size - length);
				const lines = buffer.toString('utf8').split('\n');
				if (length < size) lines.shift(); // the first line may be cut
				const records: CallRecord[] = [];
				const seen = new Set<string>();
				for (let index = lines.length - 1; index >= 0 && records.length < limit; index -= 1) {
					const record = parseRecord(lines[index]!);
					// The newest line of a call wins (it carries the wrap-up code).
					if (record && !seen.has(record.callId)) {
						seen.add(record.callId);
						records.push(record);
					}
				}
				return records;
			} finally {
				closeSync(fd);
			}
		},
	};
}

function parseRecord(line: string): CallRecord | null {
	if (!line.trim()) return null;
	try {
		const value = JSON.parse(line) as Partial<CallRecord>;
		return typeof value.callId === 'string' && typeof value.endedAt === 'number'
			? (value as CallRecord)
			: null;
	} catch {
		return null;
	}
}

function writeRecords(file: string, records: readonly CallRecord[]): void {
	mkdirSync(dirname(file), {recursive: true});
	const fd = openSync(file, 'a+', 0o600);
	try {
		// A crash mid-write can leave a torn last line without its newline: start on a fresh
		// line, or this record would be glued to the torn one and lost with it.
		const size = fstatSync(fd).size;
		const lastByte = Buffer.alloc(1);
		const torn = size > 0 && readSync(fd, lastByte, 0, 1, size - 1) === 1 && lastByte[0] !== 0x0a;
		writeSync(
			fd,
			(torn ? '\n' : '') + records.map((record) => JSON.stringify(record) + '\n').join(''),
		);
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}
