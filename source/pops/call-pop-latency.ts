// The pop latencies of one call, for the TUI's Call tab ("ring pop 0.4 ms · answer pop 0.3 ms
// → delivered 4.1 ms"): derived from the pop records, never stored twice.
import type {PopKind} from './launcher.js';

export interface PopLatencyRecord {
	kind: string;
	callId: string | null;
	outcome: string;
	latencyMs: number;
	deliveredMs?: number | null;
}

export interface CallPopLatency {
	kind: PopKind | string;
	/** Driver event → hand-off (browser started, outbox written). */
	latencyMs: number;
	/** Hidden pops: driver event → the CRM's 2xx; null while pending (and for other modes). */
	deliveredMs: number | null;
}

/**
 * The pops a call fired, oldest first, one per kind (the first: a re-opened pop is the agent's
 * doing, not the pop's latency). `records` is the pop snapshot's `recent`, newest first.
 */
export function selectCallPopLatencies(records: readonly PopLatencyRecord[], callId: string): CallPopLatency[] {
	const byKind = new Map<string, CallPopLatency>();
	for (const record of [...records].reverse()) {
		if (record.callId !== callId || record.outcome === 'reopened' || record.outcome === 'off' || byKind.has(record.kind)) continue;
		byKind.set(record.kind, {kind: record.kind, latencyMs: record.latencyMs, deliveredMs: record.deliveredMs ?? null});
	}
	return [...byKind.values()];
}

/** "0.4 ms" below 10 ms, "12 ms" above: the precision the measurement has. */
export function formatLatency(ms: number): string {
	const tenths = Math.round(ms * 10) / 10;
	return tenths < 10 ? `${tenths.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
