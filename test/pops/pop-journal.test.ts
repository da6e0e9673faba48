import {appendFileSync, readFileSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {createMemoryJournal, createPopJournal, type ClaimedCall, type PopJournal, type PopJournalOptions} from '../../source/pops/pop-journal.js';
import type {PopRecord} from '../../source/pops/pop-service.js';
import {createFakeClock, type FakeClock} from '../helpers/fake-clock.js';

// The journal on a real file in a temp dir. A "restart" is a second journal opened on the same
// file, without closing the first where a crash is meant (what write(2) put in the page cache
// is what a killed process leaves behind).

let dir: string;
let file: string;
let clock: FakeClock;
const open: PopJournal[] = [];

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'ctidesk-journal-'));
	file = join(dir, 'data', 'pop-journal.jsonl');
	clock = createFakeClock();
});
afterEach(async () => {
	for (const journal of open.splice(0)) await journal.close();
	await rm(dir, {recursive: true, force: true});
});

async function journal(options: Partial<PopJournalOptions> = {}): Promise<PopJournal> {
	const created = await createPopJournal({file, clock, ...options});
	open.push(created);
	return created;
}

function lines(): Array<Record<string, unknown>> {
	return readFileSync(file, 'utf8')
		.split('\n')
		.filter((line) => line !== '')
		.map((line) => JSON.parse(line) as Record<string, unknown>);
}

const call: ClaimedCall = {pbxCallId: 'pbx-1', origin: 1, number: '13800138000'};

function record(id: number, patch: Partial<PopRecord> = {}): PopRecord {
	return {id, kind: 'ring', callId: '20261125090000001', url: 'http://crm/ring?sid=***', mode: 'hidden', outcome: 'queued', latencyMs: 0.4, deliveredMs: null, at: clock.now(), detail: null, ...patch};
}

describe('claims: exactly once per (callId, kind), across restarts', () => {
	it('claims once, and a journal reopened on the same file still refuses the claim', async () => {
		const first = await journal();
		expect(first.claim('20261125090000001', 'ring', call)).toBe(true);
		expect(first.claim('20261125090000001', 'ring', call)).toBe(false);
		expect(first.claim('20261125090000001', 'answer', call)).toBe(true);
		expect(first.claim('20261125090000002', 'ring')).toBe(true);
		// No close(): the process "dies" here.
		const second = await journal();
		expect(second.claim('20261125090000001', 'ring', call)).toBe(false);
		expect(second.claim('20261125090000001', 'answer', call)).toBe(false);
		expect(second.claim('20261125090000002', 'ring')).toBe(false);
		expect(second.claim('20261125090000001', 'hangup', call)).toBe(true);
	});

	it('has the claim on disk by the time claim() returns (before the pop is launched)', async () => {
		const j = await journal();
		j.claim('20261125090000001', 'ring', call);
		// No await in between: the line was written synchronously.
		expect(lines()).toContainEqual(expect.objectContaining({t: 'c', c: '20261125090000001', k: 'ring', p: 'pbx-1', o: 1, n: '13800138000'}));
	});

	it('the in-memory journal forgets across instances (the reason the file journal exists)', () => {
		expect(createMemoryJournal().claim('1', 'ring')).toBe(true);
		expect(createMemoryJournal().claim('1', 'ring')).toBe(true);
	});

	it('tolerates a torn last line: earlier claims hold, and the next line is not glued onto the fragment', async () => {
		const first = await journal();
		first.claim('A', 'ring');
		first.claim('B', 'ring');
		await first.close();
		appendFileSync(file, '{"t":"c","c":"C","k":"ri');
		const second = await journal();
		expect(second.claim('A', 'ring')).toBe(false);
		expect(second.claim('B', 'ring')).toBe(false);
		// The torn claim was never acknowledged, so C may fire.
		expect(second.claim('C', 'ring')).toBe(true);
		await second.close();
		// Every line parses: the torn fragment is gone and C's claim stands on its own line.
		expect(lines().filter((line) => line.t === 'c').map((line) => line.c)).toEqual(['A', 'B', 'C']);
		const third = await journal();
		expect(third.claim('C', 'ring')).toBe(false);
	});

	it('skips garbage lines and lines of an unknown shape', async () => {
		const first = await journal();
		first.claim('A', 'ring');
		await first.close();
		appendFileSync(file, 'not json\n{"t":"z"}\n[1,2]\n');
		const second = await journal();
		expect(second.claim('A', 'ring')).toBe(false);
		expect(second.claim('B', 'ring')).toBe(true);
	});

	it('forgets claims older than maxAgeMs on load', async () => {
		const first = await journal();
		first.claim('old', 'ring');
		clock.advance(8 * 24 * 3600 * 1000);
		first.claim('new', 'ring');
		await first.close();
		const second = await journal();
		expect(second.claim('old', 'ring')).toBe(true);
		expect(second.claim('new', 'ring')).toBe(false);
	});

	it('keeps at most maxClaims, the newest', async () => {
		const first = await journal();
		for (const id of ['a', 'b', 'c']) first.claim(id, 'ring');
		await first.close();
		const second = await journal({maxClaims: 2});
		expect(second.claim('b', 'ring')).toBe(false);
		expect(second.claim('c', 'ring')).toBe(false);
		expect(second.claim('a', 'ring')).toBe(true);
	});
});

describe('compaction', () => {
	it('compacts a growing file while running and keeps every claim', async () => {
		const j = await journal({compactAfter: 50});
		for (let index = 0; index < 20; index++) j.claim(`call-${index}`, 'ring');
		// Many record updates: dead lines pile up.
		for (let version = 0; version < 200; version++) j.record(record(1, {latencyMs: version}));
		j.claim('call-last', 'ring');
		await vi.waitFor(() => expect(lines().length).toBeLessThan(60));
		j.claim('call-after', 'ring');
		await j.close();
		const reopened = await journal();
		for (const id of [...Array.from({length: 20}, (_, index) => `call-${index}`), 'call-last', 'call-after']) {
			expect(reopened.claim(id, 'ring')).toBe(false);
		}
		expect(reopened.recent()).toEqual([expect.objectContaining({id: 1, latencyMs: 199})]);
	});

	it('drops superseded record versions when it loads', async () => {
		const first = await journal();
		first.claim('A', 'ring');
		for (let version = 0; version < 30; version++) first.record(record(1, {latencyMs: version}));
		await first.close();
		expect(lines().length).toBe(31);
		const second = await journal();
		expect(lines().length).toBe(2);
		expect(second.claim('A', 'ring')).toBe(false);
	});
});

describe('records for the Pops tab', () => {
	it('returns the pops of earlier runs, newest first, last version of each, bounded', async () => {
		const first = await journal({recordLimit: 3});
		for (let id = 1; id <= 5; id++) first.record(record(id));
		first.record(record(4, {outcome: 'delivered', deliveredMs: 4.1}));
		await first.close();
		const second = await journal({recordLimit: 3});
		expect(second.recent().map((entry) => [entry.id, entry.outcome, entry.deliveredMs])).toEqual([
			[5, 'queued', null],
			[4, 'delivered', 4.1],
			[3, 'queued', null],
		]);
	});
});

describe('resume: a call that continued across a restart keeps its callid', () => {
	it('maps the new session callId to the one the earlier pops carried, and remembers it', async () => {
		const startedAt = clock.now();
		const first = await journal();
		first.claim('OLD', 'ring', call);
		clock.advance(5000);
		const second = await journal();
		expect(second.resume({...call, callId: 'NEW', at: startedAt})).toBe('OLD');
		expect(second.popCallId('NEW')).toBe('OLD');
		expect(second.popCallId('OTHER')).toBe('OTHER');
		clock.advance(5000);
		const third = await journal();
		expect(third.popCallId('NEW')).toBe('OLD');
	});

	it('does not resume a call that started during this run, even with the same PBX handle', async () => {
		const first = await journal();
		first.claim('OLD', 'ring', call);
		clock.advance(5000);
		const second = await journal();
		expect(second.resume({...call, callId: 'NEW', at: clock.now()})).toBeNull();
		expect(second.popCallId('NEW')).toBe('NEW');
	});

	it('does not resume a call whose hangup was claimed, or one with another number', async () => {
		const startedAt = clock.now();
		const first = await journal();
		first.claim('ENDED', 'ring', call);
		first.claim('ENDED', 'hangup', call);
		first.claim('OTHER', 'ring', {...call, pbxCallId: 'pbx-2'});
		clock.advance(5000);
		const second = await journal();
		expect(second.resume({...call, callId: 'NEW', at: startedAt})).toBeNull();
		expect(second.resume({...call, pbxCallId: 'pbx-2', number: '999', callId: 'NEW2', at: startedAt})).toBeNull();
	});

	it('keeps wrapup digests per call across a restart', async () => {
		const first = await journal();
		first.claim('A', 'wrapup', undefined, 'd1');
		first.claim('A', 'wrapup:2', undefined, 'd2');
		const second = await journal();
		expect(second.wrapups('A')).toEqual(['d1', 'd2']);
		expect(second.wrapups('B')).toEqual([]);
	});
});
