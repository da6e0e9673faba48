// Call ids in the original interface's format: YYYYMMDDhhmmss + 3-digit sequence
// (e.g. 20091128101010001), in local time like the original desktop client.
// Ids only ever grow: the next id is the larger of "now with sequence 001" and "the last id + 1",
// so a burst of more than 999 calls in one second, a restart in the same second, or a clock
// that steps back never produces a duplicate within the day (the caller persists the last id).

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

export function formatCallIdTime(epochMs: number): string {
	const date = new Date(epochMs);
	return (
		pad(date.getFullYear(), 4) +
		pad(date.getMonth() + 1) +
		pad(date.getDate()) +
		pad(date.getHours()) +
		pad(date.getMinutes()) +
		pad(date.getSeconds())
	);
}

export function isCallId(value: string): boolean {
	return /^\d{17}$/.test(value);
}

export function nextCallId(lastId: string | null, now: number): string {
	const fresh = formatCallIdTime(now) + '001';
	if (lastId === null || !isCallId(lastId)) return fresh;
	const bumped = successor(lastId);
	return bumped > fresh ? bumped : fresh;
}

/**
 * The smallest valid id after `id`. The sequence runs 001–999; past 999 the id moves to the
 * next second (a plain +1 would give "…59" + 1000 = a 60th second, which is no time at all).
 * The next second is counted on the calendar (UTC arithmetic), not the local clock, so a
 * repeated or skipped local hour (DST) can never take the id backwards.
 */
function successor(id: string): string {
	const sequence = Number(id.slice(14));
	if (sequence < 999) return id.slice(0, 14) + pad(sequence + 1, 3);
	const field = (start: number, length = 2) => Number(id.slice(start, start + length));
	const next = new Date(
		Date.UTC(field(0, 4), field(4) - 1, field(6), field(8), field(10), field(12)) + 1000,
	);
	return (
		pad(next.getUTCFullYear(), 4) +
		pad(next.getUTCMonth() + 1) +
		pad(next.getUTCDate()) +
		pad(next.getUTCHours()) +
		pad(next.getUTCMinutes()) +
		pad(next.getUTCSeconds()) +
		'001'
	);
}

/**
 * The callid of a PBX call, derived from the PBX's own identity of the call, so every desk on
 * the PBX gives the same call the same callid (a transfer keeps it, a re-ring keeps it).
 *
 * An Asterisk Linkedid is `[system-name-]<epoch seconds>.<channel counter>` (fixtures 04, 17):
 * the callid is the local time of that second + the counter mod 1000. Two calls share a
 * callid only when Asterisk created 1000 or more channels within one second (each call makes
 * two or more). ctidesk's own click-to-dial ids end in `<epoch seconds>.<millisecond>`
 * (cti/asterisk/call-commands.ts `createOriginateIds`), so they derive the same way. An id of any other shape gets the time
 * `fallbackMs` and three digits of an FNV-1a hash of the id.
 */
export function callIdFromPbxId(pbxCallId: string, fallbackMs: number): string {
	const match = /(\d{9,11})\.(\d+)$/.exec(pbxCallId);
	if (match) {
		const sequence = Number(match[2]!.slice(-6)) % 1000;
		return formatCallIdTime(Number(match[1]) * 1000) + pad(sequence, 3);
	}
	return formatCallIdTime(fallbackMs) + pad(fnv1a(pbxCallId) % 1000, 3);
}

/** 32-bit FNV-1a: a small, stable hash (the same id gives the same digits on every desk). */
function fnv1a(text: string): number {
	let hash = 0x811c9dc5;
	for (let index = 0; index < text.length; index++) {
		hash ^= text.charCodeAt(index);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash;
}
