// Finished calls, one JSON object per line, appended and fsync'd so a crash right after a call
// never loses its record. Read back newest first for the History tab.
import {closeSync, fsyncSync, mkdirSync, openSync, readSync, fstatSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';
import type {CallRecord} from '../core/types.js';

export interface History {
	append(record: CallRecord): void;
	/** The newest `limit` records, newest first. Corrupt lines (a torn last write) are skipped. */
	readRecent(limit: number): CallRecord[];
}

/** How much of the file's end to read for the recent calls: enough for a few hundred records. */
const tailBytes = 256 * 1024;

export function createHistory(file: string): History {
	return {
		append(record) {
			mkdirSync(dirname(file), {recursive: true});
			const fd = openSync(file, 'a+', 0o600);
			try {
				// A crash mid-write can leave a torn last line without its newline: start on a fresh
				// line, or this record would be glued to the torn one and lost with it.
				const size = fstatSync(fd).size;
				const lastByte = Buffer.alloc(1);
				const torn =
					size > 0 && readSync(fd, lastByte, 0, 1, size - 1) === 1 && lastByte[0] !== 0x0a;
				writeSync(fd, (torn ? '\n' : '') + JSON.stringify(record) + '\n');
				fsyncSync(fd);
			} finally {
				closeSync(fd);
			}
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
				for (let index = lines.length - 1; index >= 0 && records.length < limit; index -= 1) {
					const record = parseRecord(lines[index]!);
					if (record) records.push(record);
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
