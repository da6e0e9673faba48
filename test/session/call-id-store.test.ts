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
		const {allocate} = createCallIdAllocator(file);
		expect(allocate(now)).toBe('20261125090000001');
		expect(allocate(now)).toBe('20261125090000002');
		expect(JSON.parse(readFileSync(file, 'utf8')).last).toBe('20261125090000002');
	});

	it('continues after a restart in the same second', () => {
		const first = createCallIdAllocator(file).allocate;
		first(now);
		first(now);
		const restarted = createCallIdAllocator(file).allocate;
		expect(restarted(now + 500)).toBe('20261125090000003');
	});

	it('continues after a restart with the clock stepped back', () => {
		createCallIdAllocator(file).allocate(now);
		expect(createCallIdAllocator(file).allocate(now - 3_600_000)).toBe('20261125090000002');
	});

	it('keeps ids unique across two allocators on the same file used in turn', () => {
		const a = createCallIdAllocator(file).allocate;
		const b = createCallIdAllocator(file).allocate;
		const ids: string[] = [];
		for (let index = 0; index < 20; index += 1)
			ids.push(index % 2 === 0 ? a(now) : b(now), b(now), a(now));
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.every(isCallId)).toBe(true);
	});

	it('starts afresh over a file that does not hold a call id', () => {
		createCallIdAllocator(file).allocate(now); // creates the folder
		writeFileSync(file, 'not an id\n');
		expect(createCallIdAllocator(file).allocate(now)).toBe('20261125090000001');
	});

	it('still issues unique ids when the file cannot be written', () => {
		writeFileSync(join(directory, 'data'), 'a file where the folder should be');
		const {allocate} = createCallIdAllocator(file);
		expect([allocate(now), allocate(now)]).toEqual(['20261125090000001', '20261125090000002']);
	});

	it('gives a call that outlives a restart the callid it already had, until it ends', () => {
		const before = createCallIdAllocator(file);
		const first = before.allocate(now, '1795647030.0');
		const other = before.allocate(now, '1795647099.0');
		// The process restarts; the PBX reports the same call again after its resync.
		const after = createCallIdAllocator(file);
		expect(after.allocate(now + 60_000, '1795647030.0')).toBe(first);
		after.release('1795647030.0');
		// Ended: the same handle now means a new call.
		const next = after.allocate(now + 120_000, '1795647030.0');
		expect(next).not.toBe(first);
		expect(next > other).toBe(true);
	});

	it('forgets handles of calls older than a day (leftovers of a crash)', () => {
		const first = createCallIdAllocator(file).allocate(now, 'h1');
		expect(createCallIdAllocator(file).allocate(now + 25 * 3_600_000, 'h1')).not.toBe(first);
	});
});
