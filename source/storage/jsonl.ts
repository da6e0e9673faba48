// The one append-only JSON Lines format behind the call history, the pop outbox and the pop
// journal: one JSON value per line, appended, never edited in place. A crash mid-write can leave
// a torn last line (no newline, half a value); it is handled here once: readers skip it (it was
// never acknowledged), and the writer starts on a fresh line so the next record is not glued to
// it and lost with it.
import {closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {dirname} from 'node:path';

export interface JsonLines<T> {
	/** The lines that parsed and passed `accept`, in file order. */
	records: T[];
	/** Lines that did not parse or were not accepted (a torn tail, garbage). */
	bad: number;
	/** The text is empty or ends with a newline: nothing torn to append after. */
	endsClean: boolean;
}

/** Parses JSON Lines text; `accept` says which values are records (a type guard). */
export function parseJsonLines<T>(text: string, accept: (value: unknown) => value is T): JsonLines<T> {
	const records: T[] = [];
	let bad = 0;
	for (const line of text.split('\n')) {
		if (line.trim() === '') continue;
		let value: unknown;
		try {
			value = JSON.parse(line);
		} catch {
			bad += 1;
			continue;
		}
		if (accept(value)) records.push(value);
		else bad += 1;
	}
	return {records, bad, endsClean: text === '' || text.endsWith('\n')};
}

/** Reads a JSON Lines file; a missing file reads as empty. */
export async function readJsonLines<T>(file: string, accept: (value: unknown) => value is T): Promise<JsonLines<T>> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {records: [], bad: 0, endsClean: true};
		throw error;
	}
	return parseJsonLines(text, accept);
}

/** The text of `values` as JSON Lines. */
export function toJsonLines(values: readonly unknown[]): string {
	return values.map((value) => `${JSON.stringify(value)}\n`).join('');
}

/**
 * Appends `values` to `file` (created 0600) and fsyncs before returning, so a crash right after
 * loses none of them. A torn last line is closed first.
 */
export function appendJsonLinesSync(file: string, values: readonly unknown[]): void {
	mkdirSync(dirname(file), {recursive: true});
	const fd = openSync(file, 'a+', 0o600);
	try {
		writeSync(fd, (endsTorn(fd) ? '\n' : '') + toJsonLines(values));
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}

/** Whether the open file's last byte is not a newline (a torn line from a crash mid-write). */
export function endsTorn(fd: number): boolean {
	const size = fstatSync(fd).size;
	const last = Buffer.alloc(1);
	return size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
}

/**
 * The last `maxBytes` of a JSON Lines file, parsed: the first line is dropped when the tail cut
 * it. A missing file reads as empty.
 */
export function readJsonLinesTailSync<T>(file: string, maxBytes: number, accept: (value: unknown) => value is T): T[] {
	let fd: number;
	try {
		fd = openSync(file, 'r');
	} catch {
		return [];
	}
	try {
		const size = fstatSync(fd).size;
		const length = Math.min(size, maxBytes);
		const buffer = Buffer.alloc(length);
		readSync(fd, buffer, 0, length, size - length);
		let text = buffer.toString('utf8');
		if (length < size) text = text.slice(text.indexOf('\n') + 1);
		return parseJsonLines(text, accept).records;
	} finally {
		closeSync(fd);
	}
}
