// Persists the last issued call id so ids stay unique within a day across restarts.
import {
	closeSync,
	fsyncSync,
	mkdirSync,
	openSync,
	readFileSync,
	renameSync,
	writeSync,
} from 'node:fs';
import {dirname} from 'node:path';
import {isCallId, nextCallId} from '../core/call-id.js';

export function createCallIdAllocator(file: string): (now: number) => string {
	let last: string | null = readLast(file);
	return (now) => {
		// Read the file again each time: another allocator on the same file (a second instance,
		// a headless session and a one-off command) may have issued ids since we last looked.
		const stored = readLast(file);
		if (stored !== null && (last === null || stored > last)) last = stored;
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

function readLast(file: string): string | null {
	try {
		const value = readFileSync(file, 'utf8').trim();
		return isCallId(value) ? value : null;
	} catch {
		return null;
	}
}
