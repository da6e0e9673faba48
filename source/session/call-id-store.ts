// Persists the last issued call id, so ids stay unique within a day across restarts, and the
// callid of every call still up, so a call that outlives a restart (the PBX reports it again
// after the resync) keeps the callid its ring pop already carried.
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

interface Stored {
	last: string | null;
	/** pbxCallId → the callid given to that call and when (calls still up). */
	active: Record<string, {callId: string; at: number}>;
}

export interface CallIdAllocator {
	/** The callid for a call: the one it already had when this PBX call is still known, else a new one. */
	allocate(now: number, pbxCallId?: string): string;
	/** The call ended: forget its handle. */
	release(pbxCallId: string): void;
}

/** A call is never up this long; older entries are leftovers of a crash. */
const activeLimitMs = 24 * 60 * 60 * 1000;

export function createCallIdAllocator(file: string): CallIdAllocator {
	const state = read(file);
	const save = () => {
		try {
			mkdirSync(dirname(file), {recursive: true});
			const temporary = `${file}.${process.pid}.tmp`;
			const fd = openSync(temporary, 'w', 0o600);
			try {
				writeSync(fd, JSON.stringify(state));
				fsyncSync(fd);
			} finally {
				closeSync(fd);
			}
			renameSync(temporary, file);
		} catch {
			// Disk trouble must not stop a call from ringing; the id is still unique in this run.
		}
	};
	return {
		allocate(now, pbxCallId) {
			// Read the file again each time: another allocator on the same file (a second instance,
			// a headless session and a one-off command) may have issued ids since we last looked.
			const stored = read(file);
			if (stored.last !== null && (state.last === null || stored.last > state.last))
				state.last = stored.last;
			state.active = Object.fromEntries(
				Object.entries({...stored.active, ...state.active}).filter(
					([, entry]) => now - entry.at <= activeLimitMs,
				),
			);
			const known = pbxCallId === undefined ? undefined : state.active[pbxCallId];
			if (known) return known.callId;
			const id = nextCallId(state.last, now);
			state.last = id;
			if (pbxCallId !== undefined) state.active[pbxCallId] = {callId: id, at: now};
			save();
			return id;
		},
		release(pbxCallId) {
			if (!(pbxCallId in state.active)) return;
			state.active = Object.fromEntries(
				Object.entries(state.active).filter(([key]) => key !== pbxCallId),
			);
			save();
		},
	};
}

function read(file: string): Stored {
	let text: string;
	try {
		text = readFileSync(file, 'utf8').trim();
	} catch {
		return {last: null, active: {}};
	}
	// Earlier versions stored the bare last id.
	if (isCallId(text)) return {last: text, active: {}};
	try {
		const value = JSON.parse(text) as Partial<Stored>;
		return {
			last: typeof value.last === 'string' && isCallId(value.last) ? value.last : null,
			active: value.active && typeof value.active === 'object' ? value.active : {},
		};
	} catch {
		return {last: null, active: {}};
	}
}
