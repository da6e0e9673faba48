import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
	callIdFromPbxId,
	formatCallIdTime,
	isCallId,
	nextCallId,
} from '../../source/core/call-id.js';

// Call ids use local time (like the original client). Node re-reads TZ whenever it is assigned,
// so each test pins the zone it means and the file restores the worker's zone at the end.
const originalTz = process.env['TZ'];
beforeAll(() => {
	process.env['TZ'] = 'UTC';
});
afterAll(() => {
	if (originalTz === undefined) delete process.env['TZ'];
	else process.env['TZ'] = originalTz;
});

function inZone<T>(zone: string, run: () => T): T {
	const before = process.env['TZ'];
	process.env['TZ'] = zone;
	try {
		return run();
	} finally {
		process.env['TZ'] = before;
	}
}

/** The id's time part is a real calendar time, and the sequence is 001–999. */
function expectWellFormed(id: string) {
	expect(id).toMatch(/^\d{17}$/);
	const [, year, month, day, hours, minutes, seconds, sequence] =
		/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})$/.exec(id)!.map(Number) as number[];
	const date = new Date(Date.UTC(year!, month! - 1, day!, hours!, minutes!, seconds!));
	expect(date.getUTCFullYear()).toBe(year);
	expect(date.getUTCMonth() + 1).toBe(month);
	expect(date.getUTCDate()).toBe(day);
	expect(date.getUTCHours()).toBe(hours);
	expect(date.getUTCMinutes()).toBe(minutes);
	expect(date.getUTCSeconds()).toBe(seconds);
	expect(sequence).toBeGreaterThanOrEqual(1);
	expect(sequence).toBeLessThanOrEqual(999);
}

const seedExample = Date.UTC(2009, 10, 28, 10, 10, 10, 250);

describe('call ids: format', () => {
	it('is YYYYMMDDhhmmss plus a 3-digit sequence, as in the seed example', () => {
		expect(nextCallId(null, seedExample)).toBe('20091128101010001');
	});

	it('uses local time', () => {
		expect(inZone('Asia/Shanghai', () => nextCallId(null, seedExample))).toBe('20091128181010001');
		expect(inZone('America/New_York', () => nextCallId(null, seedExample))).toBe(
			'20091128051010001',
		);
	});

	it('pads every field', () => {
		expect(formatCallIdTime(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('20260102030405');
	});

	it.each([
		['20091128101010001', true],
		['2009112810101000', false],
		['200911281010100011', false],
		['2009112810101000a', false],
		['', false],
	])('isCallId(%j) is %s', (value, expected) => {
		expect(isCallId(value)).toBe(expected);
	});
});

describe('call ids: uniqueness', () => {
	it('counts up within one second', () => {
		const first = nextCallId(null, seedExample);
		const second = nextCallId(first, seedExample + 100);
		const third = nextCallId(second, seedExample + 700);
		expect([first, second, third]).toEqual([
			'20091128101010001',
			'20091128101010002',
			'20091128101010003',
		]);
	});

	it('starts the sequence again in a new second', () => {
		expect(nextCallId('20091128101010007', seedExample + 1000)).toBe('20091128101011001');
	});

	it('stays unique, increasing and well-formed for more than 999 calls in one second', () => {
		const ids: string[] = [];
		let last: string | null = null;
		for (let index = 0; index < 2500; index += 1) {
			last = nextCallId(last, seedExample);
			ids.push(last);
		}
		expect(new Set(ids).size).toBe(ids.length);
		for (let index = 1; index < ids.length; index += 1)
			expect(ids[index]! > ids[index - 1]!).toBe(true);
		for (const id of ids) expectWellFormed(id);
		expect(ids[999]).toBe('20091128101011001');
	});

	it.each([
		['minute', '20091128101059999', '20091128101100001'],
		['hour', '20091128105959999', '20091128110000001'],
		['day', '20091128235959999', '20091129000000001'],
		['month', '20090228235959999', '20090301000000001'],
		['leap month', '20080228235959999', '20080229000000001'],
		['year', '20081231235959999', '20090101000000001'],
	])('carries a sequence overflow at the end of a %s', (_unit, last, expected) => {
		// The clock is behind the last id (a burst), so the id comes from the last one.
		expect(nextCallId(last, Date.UTC(2008, 0, 1))).toBe(expected);
	});

	it('stays unique after a restart in the same second (last id persisted)', () => {
		const beforeRestart = nextCallId(nextCallId(null, seedExample), seedExample);
		const afterRestart = nextCallId(beforeRestart, seedExample + 400);
		expect(afterRestart).toBe('20091128101010003');
	});

	it('stays unique when the clock steps back', () => {
		const last = nextCallId(null, seedExample);
		const stepped = nextCallId(last, seedExample - 60_000);
		expect(stepped > last).toBe(true);
		expect(stepped).toBe('20091128101010002');
	});

	it('stays unique across a DST change of local time', () => {
		// Europe/Berlin, 2026-10-25: 03:00 summer time becomes 02:00 again.
		const ids = inZone('Europe/Berlin', () => {
			const beforeChange = Date.UTC(2026, 9, 25, 0, 59, 59); // 02:59:59 summer time
			let last: string | null = null;
			const issued: string[] = [];
			for (const time of [beforeChange, beforeChange + 1000, beforeChange + 2000]) {
				last = nextCallId(last, time);
				issued.push(last);
			}
			return issued;
		});
		expect(new Set(ids).size).toBe(3);
		expect(ids[1]! > ids[0]!).toBe(true);
		expect(ids[2]! > ids[1]!).toBe(true);
	});

	it('ignores a last id that is not a call id', () => {
		expect(nextCallId('garbage', seedExample)).toBe('20091128101010001');
	});
});

describe('call ids derived from the PBX identity of a call', () => {
	it.each([
		// Asterisk Linkedid: <epoch seconds>.<channel counter>; the counter's last three digits.
		['1795647030.0', 1795647030_000, '000'],
		['1795647162.36', 1795647162_000, '036'],
		['1796588207.1234', 1796588207_000, '234'],
		// With asterisk.conf's systemname the id carries a prefix.
		['pbx1-1796588207.17', 1796588207_000, '017'],
		// ctidesk's own click-to-dial ids end in <epoch s>.<ms>.
		['ctidesk-0a1b2c3d-1796588207.042', 1796588207_000, '042'],
	])('%s → the local time of its second + %s', (linkedId, epochMs, digits) => {
		const id = callIdFromPbxId(linkedId, 0);
		expect(id).toBe(formatCallIdTime(epochMs) + digits);
		expect(isCallId(id)).toBe(true);
	});

	it('gives every desk the same callid for one call, whenever each of them sees it', () => {
		expect(callIdFromPbxId('1796588207.8', 1)).toBe(callIdFromPbxId('1796588207.8', 9e12));
	});

	it('gives calls of one second different callids while Asterisk made fewer than 1000 channels', () => {
		const ids = new Set(
			Array.from({length: 1000}, (_, counter) => callIdFromPbxId(`1796588207.${counter}`, 0)),
		);
		expect(ids.size).toBe(1000);
	});

	it('falls back to the given time and a stable hash for an id of another shape', () => {
		const id = callIdFromPbxId('sim-17', 1796588207_000);
		expect(id.slice(0, 14)).toBe(formatCallIdTime(1796588207_000));
		expect(isCallId(id)).toBe(true);
		expect(callIdFromPbxId('sim-17', 1796588207_000)).toBe(id);
	});
});
