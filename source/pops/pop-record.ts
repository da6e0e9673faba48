// What is remembered of one pop: shown in the Pops tab, kept in the pop journal across restarts.
import type {PopKind, PopMode} from '../config/schema.js';
import type {LaunchOutcome} from './launcher.js';

/** 'reopened': the agent re-opened an earlier pop on purpose (not a second pop of the call). */
export type PopOutcome = LaunchOutcome | 'delivered' | 'reopened';

export interface PopRecord {
	id: number;
	kind: PopKind;
	/** null for the home URL. */
	callId: string | null;
	/** With sid and password masked: safe to show and log. */
	url: string;
	mode: PopMode;
	outcome: PopOutcome;
	/** From the driver event's time to the hand-off (browser started, outbox written). */
	latencyMs: number;
	/** Hidden pops: from the driver event's time to the CRM's 2xx; null until then (and for other modes). */
	deliveredMs: number | null;
	at: number;
	detail: string | null;
}
