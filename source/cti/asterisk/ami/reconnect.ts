// Reconnect policy, kept apart from the socket (xmpp.js packages/reconnect shape): pure numbers
// in, a delay out, so it is tested without timers and the connection only owns the scheduling.

export interface ReconnectPolicy {
	/** First delay after a drop. The 08 capture saw Asterisk listening again within ~1.5 s. */
	initialDelayMs: number;
	/**
	 * Cap, so a PBX back after an outage of any length is found within this delay: the agent is
	 * back in the queue ≤ 2 s after Asterisk accepts connections again (bench/ami-reconnect.mjs).
	 * An attempt is one refused TCP connect while Asterisk is down: cheap for both sides.
	 */
	maxDelayMs: number;
	factor: number;
	/** 0..1: spreads the delays of many desks reconnecting to the same PBX after a restart. */
	jitter: number;
	/**
	 * Bad credentials will not fix themselves in 200 ms, and every failed login costs a
	 * security event and ~1 s of Asterisk's time: retry, but no sooner than this.
	 */
	authFailureDelayMs: number;
	/** Cap for those: wrong credentials back off to one try a minute. */
	maxAuthDelayMs: number;
}

export const defaultReconnectPolicy: ReconnectPolicy = {
	initialDelayMs: 250,
	maxDelayMs: 1000,
	factor: 2,
	jitter: 0.2,
	authFailureDelayMs: 10_000,
	maxAuthDelayMs: 60_000,
};

export type ReconnectCause = 'network' | 'auth';

/** The delay before attempt `attempt` (1 = first retry after a drop). */
export function computeReconnectDelay(
	policy: ReconnectPolicy,
	attempt: number,
	cause: ReconnectCause,
	random: () => number = Math.random,
): number {
	const exponent = Math.max(0, attempt - 1);
	let delay = policy.initialDelayMs * policy.factor ** exponent;
	if (cause === 'auth')
		delay = Math.max(delay, policy.authFailureDelayMs * policy.factor ** exponent);
	const cap =
		cause === 'auth'
			? Math.max(policy.maxDelayMs, policy.authFailureDelayMs, policy.maxAuthDelayMs ?? 0)
			: policy.maxDelayMs;
	delay = Math.min(delay, cap);
	// Jitter only shortens, so the cap stays a cap.
	const spread = delay * Math.min(Math.max(policy.jitter, 0), 1);
	return Math.round(delay - spread * random());
}

export interface ReconnectBackoff {
	/** Delay before the next attempt; counts the attempt. */
	next(cause: ReconnectCause): number;
	/** A login succeeded: start from the initial delay next time. */
	reset(): void;
	readonly attempts: number;
}

export function createReconnectBackoff(
	policy: Partial<ReconnectPolicy> = {},
	random: () => number = Math.random,
): ReconnectBackoff {
	const full = {...defaultReconnectPolicy, ...policy};
	let attempts = 0;
	return {
		next(cause) {
			attempts++;
			return computeReconnectDelay(full, attempts, cause, random);
		},
		reset() {
			attempts = 0;
		},
		get attempts() {
			return attempts;
		},
	};
}
