// Consult (attended) transfer over AMI: Atxfer plays the atxfer feature on the agent's channel,
// Asterisk holds the customer and dials the target (10). Completing = hanging up the agent's
// leg (10); cancelling = hanging up the consult leg (or the atxferabort code before that leg is
// known); conference = the atxferthreeway code.
//
// Every way a consult can end without a transfer or conference returns the desk to the customer
// and says why, and frees transfer again (issue: a desk stuck in "Consult 102 (dialing)"):
// - the consult leg hangs up unanswered: "104 could not be reached" (19);
// - Asterisk gives the agent back with Unhold and no consult leg at all (19b: a misconfigured
//   PBX aborts the Atxfer), also when that happens before the Atxfer reply is read;
// - the consulted party hangs up after answering.
import type {Result} from '../../core/types.js';
import {ok, refuse} from '../../core/types.js';
import type {CallTracker} from './call-tracker.js';
import type {DriverContext} from './driver-context.js';
import {isOuterLeg} from './event-map.js';
import type {ConsultLeg, TrackedCall} from './tracked-call.js';

export interface Consult {
	start(call: TrackedCall, target: string): Promise<Result>;
	complete(call: TrackedCall): Promise<Result>;
	cancel(call: TrackedCall): Promise<Result>;
	conference(call: TrackedCall): Promise<Result>;
	/** A channel of the consult leg (every one starts with `Local/<target>@<context>-`). */
	isConsultChannel(call: TrackedCall, channel: string | undefined): boolean;
	/** The consult leg's outer channel showed up (DialBegin). */
	noteLeg(call: TrackedCall, channel: string): void;
	/** DialEnd on the consult leg. */
	onDialEnd(call: TrackedCall, status: string | undefined): void;
	/** A consult channel hung up for good. */
	onLegHangup(call: TrackedCall): void;
	/** Unhold of the agent's leg: Asterisk gave the agent back to the customer (19, 19b). */
	onAgentUnhold(call: TrackedCall): void;
	/** The consult party and the customer share a bridge with the agent. */
	onMerged(call: TrackedCall): void;
	/** The consult ended without a transfer: back to the customer, with why when it failed. */
	end(call: TrackedCall, reason?: string): void;
	/** Digits played into the agent's channel as if keyed on the phone (feature codes). */
	sendFeatureDigits(channel: string, digits: string): Promise<Result>;
}

export function createConsult(context: DriverContext, tracker: CallTracker): Consult {
	const {link, config, dialplan, emit, now} = context;

	function failureOf(consult: ConsultLeg): string {
		if (!consult.seen)
			return `Asterisk could not start the consult to ${consult.target}; back with the customer.`;
		if (!consult.answered) return `${consult.target} could not be reached; back with the customer.`;
		return `${consult.target} hung up; back with the customer.`;
	}

	async function sendFeatureDigits(channel: string, digits: string): Promise<Result> {
		for (const digit of digits) {
			const outcome = await link.request({
				Action: 'PlayDTMF',
				Channel: channel,
				Digit: digit,
				Receive: true,
			});
			if (!outcome.ok) return outcome;
		}
		return ok;
	}

	const consult: Consult = {
		sendFeatureDigits,
		isConsultChannel: (call, channel) =>
			!!call.consult && !!channel && channel.startsWith(call.consult.prefix),

		noteLeg(call, channel) {
			if (!call.consult) return;
			call.consult.seen = true;
			call.consult.channel ??= isOuterLeg(channel) ? channel : channel.replace(/;2$/, ';1');
		},

		onDialEnd(call, status) {
			const leg = call.consult;
			if (!leg) return;
			leg.seen = true;
			if (status?.toUpperCase() !== 'ANSWER' || leg.answered) return;
			leg.answered = true;
			if (leg.announced)
				emit({type: 'consult-answered', at: now(), pbxCallId: call.info.pbxCallId});
		},

		onLegHangup(call) {
			if (!call.consult || call.transfer) return;
			call.consult.seen = true;
			consult.end(call, failureOf(call.consult));
		},

		onAgentUnhold(call) {
			const leg = call.consult;
			if (!leg || call.transfer || leg.expectEnd) return;
			if (!leg.announced) {
				// Before the Atxfer reply: start() reports the failure instead of a consult.
				leg.failed = failureOf(leg);
				return;
			}
			consult.end(call, failureOf(leg));
		},

		onMerged(call) {
			if (!call.consult) return;
			tracker.conferenced(call, call.consult.target);
		},

		end(call, reason) {
			const leg = call.consult;
			if (!leg || call.ended) return;
			call.consult = null;
			if (leg.announced)
				emit({
					type: 'consult-ended',
					at: now(),
					pbxCallId: call.info.pbxCallId,
					...(reason ? {reason} : {}),
				});
			// Asterisk gives the agent back to the customer when the consult leg goes away.
			tracker.setHeld(call, false);
		},

		async start(call, target) {
			const leg: ConsultLeg = {
				target,
				prefix: `Local/${target}@${config.transferContext}-`,
				channel: null,
				seen: false,
				answered: false,
				announced: false,
				failed: null,
				expectEnd: false,
			};
			call.consult = leg;
			const outcome = await link.request({
				Action: 'Atxfer',
				Channel: call.agentChannel!,
				Context: config.transferContext,
				Exten: target,
			});
			if (call.consult !== leg)
				return outcome.ok
					? refuse('pbx-refused', `The consult to ${target} ended at once.`)
					: outcome;
			if (!outcome.ok || leg.failed) {
				call.consult = null;
				if (!outcome.ok) return outcome;
				tracker.setHeld(call, false);
				return refuse('pbx-refused', leg.failed!);
			}
			// Asterisk holds the customer (MOH) while the agent consults (10).
			tracker.setHeld(call, true);
			leg.announced = true;
			emit({type: 'consult-started', at: now(), pbxCallId: call.info.pbxCallId, target});
			if (leg.answered) emit({type: 'consult-answered', at: now(), pbxCallId: call.info.pbxCallId});
			return ok;
		},

		async complete(call) {
			const leg = call.consult;
			if (!leg) return refuse('not-allowed', 'There is no consult transfer to complete.');
			if (!call.agentChannel) return refuse('not-allowed', 'The call is still being set up.');
			// The transferer hanging up completes an attended transfer (10).
			call.transfer = {target: leg.target, mode: 'consult', reported: false};
			const outcome = await link.request({Action: 'Hangup', Channel: call.agentChannel, Cause: 16});
			if (!outcome.ok && !call.ended) {
				call.transfer = null;
				return outcome;
			}
			return ok;
		},

		async cancel(call) {
			const leg = call.consult;
			if (!leg) return refuse('not-allowed', 'There is no consult transfer to cancel.');
			leg.expectEnd = true;
			// Hanging up the consult leg gives the agent back to the customer; before that leg
			// exists, the atxferabort feature code does the same.
			let result: Result;
			if (leg.channel) {
				result = await link.request({Action: 'Hangup', Channel: leg.channel}, /no such channel/i);
			} else if (call.agentChannel) {
				result = await sendFeatureDigits(call.agentChannel, dialplan.abortDigits);
			} else {
				result = refuse('not-allowed', 'The call is still being set up.');
			}
			if (!result.ok) {
				leg.expectEnd = false;
				return result;
			}
			consult.end(call);
			return ok;
		},

		async conference(call) {
			const leg = call.consult;
			if (!leg?.answered)
				return refuse('not-allowed', 'Consult someone first, then merge them in.');
			if (!call.agentChannel) return refuse('not-allowed', 'The call is still being set up.');
			leg.expectEnd = true;
			// The atxferthreeway feature code, as if the agent keyed it (the way Atxfer itself works: 10).
			const result = await sendFeatureDigits(call.agentChannel, dialplan.threeWayDigits);
			if (!result.ok && call.consult === leg) leg.expectEnd = false;
			return result;
		},
	};
	return consult;
}
