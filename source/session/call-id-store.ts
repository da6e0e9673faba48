// Persists the last issued call id so ids stay unique within a day across restarts.
import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';
import {nextCallId} from '../core/call-id.js';

export function createCallIdAllocator(file: string): (now: number) => string {
	let last: string | null = null;
	try {
		last = readFileSync(file, 'utf8').trim() || null;
	} catch {
		last = null;
	}
	return (now) => {
		const id = nextCallId(last, now);
		last = id;
		try {
			mkdirSync(dirname(file), {recursive: true});
			const temporary = `${file}.${process.pid}.tmp`;
			const fd = openSync(temporary, 'w', 0o600);
			try {
				writeSync(fd, id);
				fsyncSync(fd);
			} finally {
				closeSync(fd);
			}
			renameSync(temporary, file);
		} catch {
			// Disk trouble must not stop a call from ringing; the id is still unique in this run.
		}
		return id;
	};
}
