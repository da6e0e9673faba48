import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {isCallId} from '../../source/core/call-id.js';
import {createCallIdAllocator} from '../../source/session/call-id-store.js';

const originalTz = process.env['TZ'];
beforeAll(() => {
	process.env['TZ'] = 'UTC';
});
afterAll(() => {
	if (originalTz === undefined) delete process.env['TZ'];
	else process.env['TZ'] = originalTz;
});

const now = Date.UTC(2026, 10, 25, 9, 0, 0);
let directory: string;
let file: string;

beforeEach(() => {
	directory = mkdtempSync(join(tmpdir(), 'ctidesk-call-id-'));
	file = join(directory, 'data', 'last-call-id');
});
afterEach(() => {
	rmSync(directory, {recursive: true, force: true});
});

describe('call id allocator', () => {
	it('issues seed-format ids and persists the last one (creating the folder)', () => {
		const allocate = createCallIdAllocator(file);
		expect(allocate(now)).toBe('20261125090000001');
		expect(allocate(now)).toBe('20261125090000002');
		expect(readFileSync(file, 'utf8')).toBe('20261125090000002');
	});

	it('continues after a restart in the same second', () => {
		const first = createCallIdAllocator(file);
		first(now);
		first(now);
		const restarted = createCallIdAllocator(file);
		expect(restarted(now + 500)).toBe('20261125090000003');
	});

	it('continues after a restart with the clock stepped back', () => {
		createCallIdAllocator(file)(now);
		expect(createCallIdAllocator(file)(now - 3_600_000)).toBe('20261125090000002');
	});

	it('keeps ids unique across two allocators on the same file used in turn', () => {
		const a = createCallIdAllocator(file);
		const b = createCallIdAllocator(file);
		const ids: string[] = [];
		for (let index = 0; index < 20; index += 1) ids.push(index % 2 === 0 ? a(now) : b(now), b(now), a(now));
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.every(isCallId)).toBe(true);
	});

	it('starts afresh over a file that does not hold a call id', () => {
		createCallIdAllocator(file)(now); // creates the folder
		writeFileSync(file, 'not an id\n');
		expect(createCallIdAllocator(file)(now)).toBe('20261125090000001');
	});

	it('still issues unique ids when the file cannot be written', () => {
		writeFileSync(join(directory, 'data'), 'a file where the folder should be');
		const allocate = createCallIdAllocator(file);
		expect([allocate(now), allocate(now)]).toEqual(['20261125090000001', '20261125090000002']);
	});
});
