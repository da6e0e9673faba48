import {
	appendFileSync,
	mkdtempSync,
	openSync,
	readFileSync,
	readSync,
	closeSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {CallRecord} from '../../source/core/types.js';
import {createHistory} from '../../source/session/history.js';

const record = (index: number, extra: Partial<CallRecord> = {}): CallRecord => ({
	callId: `20261125${String(90000 + index).padStart(6, '0')}001`,
	origin: 1,
	number: '1234567890',
	callerId: '1234567890',
	calledId: '801',
	groupId: '1',
	agentId: '1',
	empId: '001',
	startedAt: 1_795_597_200_000 + index * 60_000,
	answeredAt: 1_795_597_205_000 + index * 60_000,
	endedAt: 1_795_597_230_000 + index * 60_000,
	heldMs: 0,
	endCause: 'customer-hangup',
	transferTarget: null,
	transferMode: null,
	...extra,
});

let directory: string;
let file: string;

beforeEach(() => {
	directory = mkdtempSync(join(tmpdir(), 'ctidesk-history-'));
	file = join(directory, 'nested', 'history.jsonl');
});
afterEach(() => {
	rmSync(directory, {recursive: true, force: true});
});

describe('call history', () => {
	it('reads nothing before the first call (no file yet)', () => {
		expect(createHistory(file).readRecent(10)).toEqual([]);
	});

	it('appends one JSON line per call and reads them back newest first', () => {
		const history = createHistory(file);
		for (let index = 1; index <= 3; index += 1) history.append(record(index));
		expect(history.readRecent(10)).toEqual([record(3), record(2), record(1)]);
		expect(history.readRecent(2)).toEqual([record(3), record(2)]);
		const lines = readFileSync(file, 'utf8').split('\n');
		expect(lines).toHaveLength(4);
		expect(lines[3]).toBe('');
		expect(JSON.parse(lines[0]!)).toEqual(record(1));
	});

	it('keeps the records across a restart (a new instance on the same file)', () => {
		createHistory(file).append(record(1));
		createHistory(file).append(record(2));
		expect(createHistory(file).readRecent(10)).toEqual([record(2), record(1)]);
	});

	it('has each record on disk as soon as append returns (readable through another descriptor)', () => {
		const history = createHistory(file);
		history.append(
			record(7, {endCause: 'transferred', transferTarget: '802', transferMode: 'blind'}),
		);
		const fd = openSync(file, 'r');
		try {
			const buffer = Buffer.alloc(statSync(file).size);
			readSync(fd, buffer, 0, buffer.length, 0);
			expect(JSON.parse(buffer.toString('utf8'))).toMatchObject({
				callId: record(7).callId,
				transferTarget: '802',
			});
		} finally {
			closeSync(fd);
		}
	});

	it('skips a torn last line', () => {
		const history = createHistory(file);
		history.append(record(1));
		history.append(record(2));
		appendFileSync(file, JSON.stringify(record(3)).slice(0, 40));
		expect(history.readRecent(10)).toEqual([record(2), record(1)]);
	});

	it('loses no record appended after a torn last line', () => {
		const history = createHistory(file);
		history.append(record(1));
		appendFileSync(file, JSON.stringify(record(2)).slice(0, 40));
		history.append(record(3));
		expect(history.readRecent(10)).toEqual([record(3), record(1)]);
	});

	it('skips lines that are not call records', () => {
		const history = createHistory(file);
		history.append(record(1));
		appendFileSync(file, '\n{"hello":"world"}\nnot json\n[]\n');
		history.append(record(2));
		expect(history.readRecent(10)).toEqual([record(2), record(1)]);
	});

	it('reads only the tail of a large file, and never a cut line', () => {
		const total = 4000;
		const padding = 'x'.repeat(200); // about 500 bytes a line: 2 MB in all
		const flat = join(directory, 'history.jsonl');
		writeFileSync(
			flat,
			Array.from(
				{length: total},
				(_, index) => JSON.stringify({...record(index), number: padding + index}) + '\n',
			).join(''),
		);
		expect(statSync(flat).size).toBeGreaterThan(1_000_000);
		const recent = createHistory(flat).readRecent(total);
		expect(recent.length).toBeGreaterThan(100);
		expect(recent.length).toBeLessThan(total);
		// Newest first, consecutive, each one whole.
		recent.forEach((item, position) => {
			const index = total - 1 - position;
			expect(item).toEqual({...record(index), number: padding + index});
		});
	});

	it('keeps the newest line of a call: its wrap-up code supersedes the first record', () => {
		const history = createHistory(file);
		history.append(record(1));
		history.append(record(2));
		history.append(record(1, {disposition: 'callback', note: 'at five'}));
		const recent = createHistory(file).readRecent(10);
		expect(recent.map((item) => item.callId)).toEqual([record(1).callId, record(2).callId]);
		expect(recent[0]).toMatchObject({disposition: 'callback', note: 'at five'});
	});

	it('loses no record while the disk refuses: they are written, in order, once it takes them again', () => {
		const blocked = join(directory, 'blocked');
		writeFileSync(blocked, 'a file where the folder should be');
		const target = join(blocked, 'history.jsonl');
		const history = createHistory(target);
		expect(() => history.append(record(1))).toThrow();
		expect(() => history.append(record(2))).toThrow();
		expect(history.pending).toBe(2);
		rmSync(blocked);
		history.append(record(3));
		expect(history.pending).toBe(0);
		expect(
			createHistory(target)
				.readRecent(10)
				.map((item) => item.callId),
		).toEqual([3, 2, 1].map((index) => record(index).callId));
	});
});
