// Driver commands on the agent's call → AMI actions. Each resolves with a readable Result.
// - dial = Originate from the agent's phone into the outbound context, with our own ChannelId
//   (it becomes the call's Linkedid: 15), tracked before sending because its events can arrive
//   before the reply.
// - Hold (AMI has no Hold action, 16): Redirect the customer to the hold context and, in the
//   same action, the agent's channel to the agent-wait context; unhold = Bridge them back.
// - Blind transfer = BlindTransfer on the agent's channel (07), or Redirect of the customer (07b).
import {randomBytes} from 'node:crypto';
import type {Result} from '../../core/types.js';
import {ok, refuse} from '../../core/types.js';
import type {CallEvents} from './call-events.js';
import type {CallTracker} from './call-tracker.js';
import type {Consult} from './consult.js';
import type {DriverContext} from './driver-context.js';
import {numberOfCallerId} from './event-map.js';
import type {Presence} from './presence.js';
import {newTrackedCall, type TrackedCall} from './tracked-call.js';

/** Numbers and transfer targets: digits with an optional leading +, and * #. */
const dialable = /^\+?[0-9*#]{1,32}$/;

/**
 * Click-to-dial ChannelIds: random (unique across desks), ending in `<epoch s>.<ms>` so the callid
 * derives from it like from Asterisk's own Linkedids (core/call-id.ts). One desk never repeats
 * a `<s>.<ms>`: a second dial in the same millisecond takes the next one.
 */
export function createOriginateIds(): (nowMs: number) => string {
	let last = 0;
	return (nowMs) => {
		last = Math.max(nowMs, last + 1);
		const millis = String(last % 1000).padStart(3, '0');
		return `ctidesk-${randomBytes(4).toString('hex')}-${Math.floor(last / 1000)}.${millis}`;
	};
}

export interface CallCommands {
	dial(number: string): Promise<Result>;
	hangup(): Promise<Result>;
	hold(): Promise<Result>;
	unhold(): Promise<Result>;
	transfer(target: string, mode: 'blind' | 'consult'): Promise<Result>;
	completeTransfer(): Promise<Result>;
	cancelTransfer(): Promise<Result>;
	conference(): Promise<Result>;
	sendDtmf(digits: string): Promise<Result>;
	setMuted(muted: boolean): Promise<Result>;
}

export function createCallCommands(
	context: DriverContext,
	parts: {
		tracker: CallTracker;
		consult: Consult;
		presence: Presence;
		callEvents: CallEvents;
		newChannelId: (nowMs: number) => string;
		originateTimeoutMs: number;
	},
): CallCommands {
	const {link, config, dialplan, now, emit} = context;
	const {tracker, consult, presence} = parts;

	function currentCall(): TrackedCall | Result {
		if (!link.up) return link.unavailable();
		const call = tracker.current();
		if (!call || !call.reported) return refuse('not-allowed', 'There is no call.');
		return call;
	}

	const isResult = (value: TrackedCall | Result): value is Result => 'ok' in value;

	function needAnswered(call: TrackedCall, what: string): Result | null {
		if (!call.answered)
			return refuse('not-allowed', `Cannot ${what} a call that is not connected yet.`);
		if (!call.agentChannel || !call.customerChannel)
			return refuse(
				'not-allowed',
				`Cannot ${what}: Asterisk has not shown both ends of this call.`,
			);
		return null;
	}

	async function blindTransfer(call: TrackedCall, target: string): Promise<Result> {
		// Marked before sending: the agent's leg may hang up before the reply is read.
		call.transfer = {target, mode: 'blind', reported: false};
		const outcome =
			dialplan.blindTransferAction === 'Redirect'
				? await link.request({
						Action: 'Redirect',
						Channel: call.customerChannel!,
						Context: config.transferContext,
						Exten: target,
						Priority: 1,
					})
				: await link.request({
						Action: 'BlindTransfer',
						Channel: call.agentChannel!,
						Context: config.transferContext,
						Exten: target,
					});
		if (!outcome.ok) {
			if (!call.ended) call.transfer = null;
			return outcome;
		}
		tracker.reportTransfer(call, target, 'blind');
		return ok;
	}

	return {
		async dial(number) {
			if (!link.up) return link.unavailable();
			const agent = presence.agent();
			if (!agent) return refuse('not-allowed', 'Log in before dialling.');
			if (tracker.current()) return refuse('not-allowed', 'Cannot dial while a call is up.');
			if (!dialable.test(number))
				return refuse(
					'bad-input',
					'A number is digits with an optional leading +, * and # (at most 32).',
				);
			const channelId = parts.newChannelId(now());
			const call = newTrackedCall(
				{
					pbxCallId: channelId,
					origin: 2,
					number,
					callerId: numberOfCallerId(config.callerId) || agent.extension,
					calledId: number,
					groupId: context.groups.first,
				},
				channelId,
				now(),
			);
			call.awaitingOriginate = true;
			call.channelId = channelId;
			// Tracked before sending: events of the new call can arrive before the reply is read.
			tracker.track(call, false);
			const outcome = await link.request({
				Action: 'Originate',
				Channel: context.iface,
				Context: config.outboundContext,
				Exten: number,
				Priority: 1,
				CallerID: config.callerId || undefined,
				Timeout: parts.originateTimeoutMs,
				Async: true,
				ChannelId: channelId,
				OtherChannelId: `${channelId}-2`,
			});
			if (!outcome.ok) {
				// Refused before anything rang (09: "Extension does not exist."): no call to record.
				tracker.drop(call);
				return outcome;
			}
			call.originateActionId = outcome.response.actionId ?? null;
			tracker.reportCall(call);
			const early = tracker.takeOriginateResponse(call.originateActionId);
			if (early) parts.callEvents.applyOriginateResponse(call, early);
			if (call.ended) tracker.endCall(call, call.endCause ?? 'failed');
			return ok;
		},

		async hangup() {
			const call = currentCall();
			if (isResult(call)) return call;
			// Before the agent's channel is known, Asterisk also finds a channel by our Uniqueid.
			const channel = call.agentChannel ?? call.channelId;
			if (!channel) return refuse('not-allowed', 'The call is still being set up.');
			call.hangupRequested = true;
			const outcome = await link.request({Action: 'Hangup', Channel: channel, Cause: 16});
			if (outcome.ok || call.ended) return ok;
			call.hangupRequested = false;
			return outcome;
		},

		async hold() {
			const call = currentCall();
			if (isResult(call)) return call;
			const problem = needAnswered(call, 'hold');
			if (problem) return problem;
			if (call.held) return refuse('not-allowed', 'The call is already on hold.');
			const outcome = await link.request({
				Action: 'Redirect',
				Channel: call.customerChannel!,
				Context: dialplan.holdContext,
				Exten: dialplan.holdExten,
				Priority: 1,
				ExtraChannel: call.agentChannel!,
				ExtraContext: dialplan.agentWaitContext,
				ExtraExten: dialplan.agentWaitExten,
				ExtraPriority: 1,
			});
			if (!outcome.ok) return outcome;
			tracker.setHeld(call, true);
			return ok;
		},

		async unhold() {
			const call = currentCall();
			if (isResult(call)) return call;
			const problem = needAnswered(call, 'resume');
			if (problem) return problem;
			const outcome = await link.request({
				Action: 'Bridge',
				Channel1: call.agentChannel!,
				Channel2: call.customerChannel!,
				Tone: 'no',
			});
			if (!outcome.ok) return outcome;
			tracker.setHeld(call, false);
			return ok;
		},

		async transfer(target, mode) {
			const call = currentCall();
			if (isResult(call)) return call;
			if (!dialable.test(target))
				return refuse('bad-input', 'A transfer target is digits, * and # (at most 32).');
			const problem = needAnswered(call, 'transfer');
			if (problem) return problem;
			if (call.consult) return refuse('not-allowed', 'A consult transfer is already in progress.');
			return mode === 'blind' ? blindTransfer(call, target) : consult.start(call, target);
		},

		async completeTransfer() {
			const call = currentCall();
			return isResult(call) ? call : consult.complete(call);
		},

		async cancelTransfer() {
			const call = currentCall();
			return isResult(call) ? call : consult.cancel(call);
		},

		async conference() {
			const call = currentCall();
			return isResult(call) ? call : consult.conference(call);
		},

		async sendDtmf(digits) {
			const call = currentCall();
			if (isResult(call)) return call;
			if (!/^[0-9*#A-D]{1,32}$/.test(digits))
				return refuse('bad-input', 'DTMF digits are 0-9, *, # and A-D (at most 32).');
			const problem = needAnswered(call, 'send digits on');
			if (problem) return problem;
			// Played out on the customer's channel: the far end (an IVR) hears them. On the agent's
			// channel PlayDTMF would play them to the agent's own phone.
			for (const digit of digits) {
				const outcome = await link.request({
					Action: 'PlayDTMF',
					Channel: call.customerChannel!,
					Digit: digit,
				});
				if (!outcome.ok) return outcome;
			}
			emit({type: 'dtmf-sent', at: now(), pbxCallId: call.info.pbxCallId, digits});
			return ok;
		},

		async setMuted(muted) {
			const call = currentCall();
			if (isResult(call)) return call;
			if (!call.agentChannel) return refuse('not-allowed', 'The call is still being set up.');
			// Direction `in` is the audio from the agent's phone into Asterisk: the microphone.
			const outcome = await link.request({
				Action: 'MuteAudio',
				Channel: call.agentChannel,
				Direction: 'in',
				State: muted ? 'on' : 'off',
			});
			if (!outcome.ok) return outcome;
			if (call.muted !== muted && !call.ended) {
				call.muted = muted;
				emit({
					type: muted ? 'call-muted' : 'call-unmuted',
					at: now(),
					pbxCallId: call.info.pbxCallId,
				});
			}
			return ok;
		},
	};
}
