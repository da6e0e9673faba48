// Derived values: computed from the snapshot and the current time, never stored twice.
import type {Call, QueueEntry, SessionState, ShiftTotals} from './types.js';

export function timeInState(state: SessionState, now: number): number {
	return Math.max(0, now - state.agent.since);
}

/** Live duration of the call: talk time once answered, ring/dial time before. */
export function callDuration(call: Call, now: number): number {
	const from = call.answeredAt ?? call.startedAt;
	return Math.max(0, (call.endedAt ?? now) - from);
}

/** Time on hold so far, including an open hold period. */
export function holdDuration(call: Call, now: number): number {
	return call.heldMs + (call.heldSince === null ? 0 : Math.max(0, now - call.heldSince));
}

export function wrapUpRemaining(state: SessionState, now: number): number | null {
	const until = state.agent.wrapUp?.until;
	return until === undefined || until === null ? null : Math.max(0, until - now);
}

export interface ShiftCounters {
	callsHandled: number;
	callsMissed: number;
	talkMs: number;
	holdMs: number;
	wrapUpMs: number;
	/** (talk + hold + wrap-up) / calls handled, 0 before the first call. */
	averageHandleMs: number;
	shiftMs: number;
}

export function shiftCounters(shift: ShiftTotals, now: number): ShiftCounters {
	const handleMs = shift.talkMs + shift.holdMs + shift.wrapUpMs;
	return {
		callsHandled: shift.callsHandled,
		callsMissed: shift.callsMissed,
		talkMs: shift.talkMs,
		holdMs: shift.holdMs,
		wrapUpMs: shift.wrapUpMs,
		averageHandleMs: shift.callsHandled === 0 ? 0 : Math.round(handleMs / shift.callsHandled),
		shiftMs: Math.max(0, now - shift.startedAt),
	};
}

export function waitTime(entry: QueueEntry, now: number): number {
	return Math.max(0, now - entry.waitingSince);
}

/** "m:ss" below an hour, "h:mm:ss" above. */
export function formatDuration(ms: number): string {
	const total = Math.floor(Math.max(0, ms) / 1000);
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = total % 60;
	const ss = String(seconds).padStart(2, '0');
	return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/** "hh:mm:ss" in local time, for lists of events, calls and pops. */
export function formatClockTime(epochMs: number): string {
	const date = new Date(epochMs);
	return [date.getHours(), date.getMinutes(), date.getSeconds()]
		.map((part) => String(part).padStart(2, '0'))
		.join(':');
}
