import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {appendJsonLinesSync, parseJsonLines, readJsonLines, readJsonLinesTailSync} from '../../source/storage/jsonl.js';

const isEntry = (value: unknown): value is {n: number} => typeof (value as {n?: unknown} | null)?.n === 'number';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'ctidesk-jsonl-'));
});
afterEach(() => rm(dir, {recursive: true, force: true}));

describe('JSON Lines', () => {
	it('skips a torn last line and says the text does not end clean', () => {
		expect(parseJsonLines('{"n":1}\n{"n":2}\n{"n":', isEntry)).toEqual({records: [{n: 1}, {n: 2}], bad: 1, endsClean: false});
		expect(parseJsonLines('{"n":1}\n\n{"x":1}\n', isEntry)).toEqual({records: [{n: 1}], bad: 1, endsClean: true});
		expect(parseJsonLines('', isEntry)).toEqual({records: [], bad: 0, endsClean: true});
	});

	it('reads a missing file as empty', async () => {
		expect(await readJsonLines(join(dir, 'none.jsonl'), isEntry)).toEqual({records: [], bad: 0, endsClean: true});
	});

	it('appends after a torn line on a fresh line, so the new record is not lost with it', async () => {
		const file = join(dir, 'log.jsonl');
		await writeFile(file, '{"n":1}\n{"n":');
		appendJsonLinesSync(file, [{n: 2}, {n: 3}]);
		expect(await readFile(file, 'utf8')).toBe('{"n":1}\n{"n":\n{"n":2}\n{"n":3}\n');
		expect((await readJsonLines(file, isEntry)).records).toEqual([{n: 1}, {n: 2}, {n: 3}]);
	});

	it('reads the tail of a large file, dropping the line the tail cut', async () => {
		const file = join(dir, 'big.jsonl');
		appendJsonLinesSync(file, Array.from({length: 100}, (_, n) => ({n})));
		const tail = readJsonLinesTailSync(file, 100, isEntry);
		expect(tail.length).toBeGreaterThan(5);
		expect(tail.at(-1)).toEqual({n: 99});
		expect(tail.map((entry) => entry.n)).toEqual(Array.from({length: tail.length}, (_, index) => 100 - tail.length + index));
	});
});
