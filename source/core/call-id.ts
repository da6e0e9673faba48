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
	const bumped = (BigInt(lastId) + 1n).toString().padStart(17, '0');
	return bumped > fresh ? bumped : fresh;
}
