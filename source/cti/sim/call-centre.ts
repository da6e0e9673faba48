// The simulated ACD: queues, callers, the other agents and this agent's phone. It knows no
// clock and no timers: every operation takes the simulated `now`, pending happenings sit in
// a scheduler the driver polls, and what happens comes out through `emit` as DriverEvents.
//
// The model, in short (README "Simulator" quotes this):
// - Callers arrive as a Poisson process (exponential gaps, mean 60/arrivalsPerMinute s) into
//   a group picked at random; `injectCall` adds one to the first group at once.
// - All groups are served by this agent and the `otherAgents`, so the queues together form one
//   FIFO in arrival order; each caller keeps its groupId. A caller gives up after a patience
//   drawn uniformly in 0.5–1.5 × patienceSeconds, counted from joining the queue — also while
//   this agent's phone rings for it.
// - Ring strategy: this agent first (as with a lower Asterisk penalty), the other agents take
//   the rest, longest idle first. A caller ringing at this agent stays in the queue list (as in
//   Asterisk's QueueStatus), its entry id being the call's pbxCallId, until answered.
// - Ring timeout (ringSeconds): call-ended 'no-answer', the caller keeps its place (the head)
//   and this agent is paused with reason 'ring-no-answer'. Hanging up a ringing call rejects
//   it: call-ended 'agent-hangup', the caller keeps its place, the agent stays ready.
// - After any call of this agent ends, the ACD waits `offerPauseMs` before offering again, so
//   the session can pause the agent for wrap-up first (Asterisk's wrapuptime plays this role).
// - A customer talks an exponential time (mean talkSeconds) and then hangs up. That clock
//   stops while the customer is held; a held customer instead gives up after a fresh patience
//   draw (0.5–1.5 × patienceSeconds from the start of the hold), also during a consult.
// - Another agent talks an exponential talkSeconds, wraps up `otherAgentWrapUpMs`, then takes
//   the next caller.
// - Outbound calls and consult legs follow the number table of outbound-outcome.ts.
// - Conference: once a consult leg answered, `conference` bridges the consulted party with the
//   customer and the agent (call-conferenced; the session takes the customer off hold itself,
//   so no call-resumed). The customer's talk clock runs on from where the hold stopped it. The
//   third party stays an exponential time (mean talkSeconds/2), then leaves
//   (conference-party-left) and the call goes on between agent and customer. When the agent
//   hangs up first, the bridge stays up with the two others, as in Asterisk: for this agent the
//   call was handed over (call-transferred to the party, mode 'consult', then call-ended
//   'transferred'). When the customer hangs up, the call ends 'customer-hangup' (the party's
//   leg goes with it: ctidesk follows customer calls). A three-way call can be held (both
//   others hear music; the party may still leave) but not transferred or consulted again.
// - DTMF: digits play one after another, dtmfDigitMs each; one dtmf-sent follows when a burst
//   has played, and a burst sent meanwhile queues behind the one playing. Only a connected call
//   not on hold takes digits; holding it (or a consult) cuts the playback short: the digits
//   already played are reported, the rest are dropped, as the customer hears music instead.
// - Mute: the agent's microphone, on a connected call, held or not; it resets with each call.
// Durations are clamped to at least one second; times are whole epoch milliseconds.
import type {
	DriverEvent,
	EndCause,
	Origin,
	QueueEntry,
	Result,
	TransferMode,
} from '../../core/types.js';
import {ok, refuse} from '../../core/types.js';
import {
	decideDialOutcome,
	defaultDialDelayMs,
	validateNumber,
	type DialTiming,
} from './outbound-outcome.js';
import type {Random} from './random.js';
import {createScheduler, type Happening} from './scheduler.js';

export interface SimOptions {
	seed: number;
	arrivalsPerMinute: number;
	patienceSeconds: number;
	ringSeconds: number;
	otherAgents: number;
	/** Mean talk time of a simulated call. */
	talkSeconds: number;
	/** Queue names = groupids. */
	groups: string[];
	/** The agent's extension: callerId of outbound calls. */
	agentNumber: string;
	/** How long an outbound call or consult leg rings before the far end answers (default 3000). */
	dialDelayMs?: number;
}

/** Pause between the end of this agent's call and the next offer (see above). */
export const offerPauseMs = 1000;
/** After-call work of a simulated other agent. */
export const otherAgentWrapUpMs = 5000;
/** How long one DTMF digit takes to play (tone plus gap). */
export const dtmfDigitMs = 100;
/** What a DTMF burst may hold: the digits of a keypad, at most 32. */
export const dtmfPattern = /^[0-9*#A-D]{1,32}$/;

/** The service number a group's callers dialled: calledId of inbound calls (group 1 → 801). */
export function serviceNumber(groupId: string): string {
	return `80${groupId}`;
}

export interface CallCentre {
	/** Runs every happening due at or before `now`; commands do this themselves first. */
	advance(now: number): void;
	/** When the next happening is due, or null when nothing is pending. */
	nextDue(): number | null;
	login(now: number): Result;
	logout(now: number): Result;
	setReady(now: number): Result;
	setNotReady(now: number, reason: string): Result;
	dial(now: number, number: string): Result;
	answer(now: number): Result;
	hangup(now: number): Result;
	hold(now: number): Result;
	unhold(now: number): Result;
	transfer(now: number, target: string, mode: TransferMode): Result;
	completeTransfer(now: number): Result;
	cancelTransfer(now: number): Result;
	conference(now: number): Result;
	sendDtmf(now: number, digits: string): Result;
	mute(now: number): Result;
	unmute(now: number): Result;
	injectCall(now: number): Result;
	/** Shuts the PBX down: a call that is up ends with 'connection-lost'; nothing stays scheduled. */
	stop(now: number): void;
	/** Sizes of the internal structures, for tests and the bench (memory must stay flat). */
	inspect(): {waiting: number; scheduled: number; otherAgentsBusy: number; onCall: boolean};
}

interface Caller {
	id: string;
	number: string;
	groupId: string;
	waitingSince: number;
	/** Ringing at this agent right now (other agents skip it). */
	offered: boolean;
	giveUp: Happening | null;
}

interface AgentCall {
	pbxCallId: string;
	origin: Origin;
	/** Inbound: the caller, still in the queue until answered. */
	caller: Caller | null;
	phase: 'ringing' | 'dialing' | 'talking';
	held: boolean;
	/** Talk time the customer has left; counts down only while not held. */
	talkLeftMs: number;
	/** Ring timeout, outbound outcome or consult outcome. */
	leg: Happening | null;
	/** The customer hanging up: talk time over, or tired of being held. */
	customer: Happening | null;
	consult: {target: string; answered: boolean} | null;
	/** The consulted party merged into a three-way call, and when it leaves. */
	conference: {party: string; leaves: Happening | null} | null;
	muted: boolean;
	/** DTMF bursts queued or playing, in order; each reports itself when played. */
	dtmf: DtmfBurst[];
}

interface DtmfBurst {
	digits: string;
	startsAt: number;
	played: Happening;
}

interface OtherAgent {
	idleSince: number;
	busy: Happening | null;
}

const second = 1000;

export function createCallCentre(
	options: SimOptions,
	random: Random,
	emit: (event: DriverEvent) => void,
	startedAt: number,
): CallCentre {
	const scheduler = createScheduler();
	const groups = [...options.groups];
	const patienceMs = Math.max(1, options.patienceSeconds) * second;
	const talkMs = Math.max(1, options.talkSeconds) * second;
	const ringMs = Math.max(1, options.ringSeconds) * second;
	const timing: DialTiming = {
		answerMs: Math.max(0, options.dialDelayMs ?? defaultDialDelayMs),
		ringMs,
	};
	const others: OtherAgent[] = Array.from(
		{length: Math.max(0, Math.floor(options.otherAgents))},
		() => ({
			idleSince: startedAt,
			busy: null,
		}),
	);

	/** All groups' callers in arrival order (= waitingSince order), finished ones removed at once. */
	const waiting: Caller[] = [];
	let presence: 'logged-out' | 'not-ready' | 'ready' = 'logged-out';
	let call: AgentCall | null = null;
	let availableAt = startedAt;
	let offerRetry: Happening | null = null;
	let lastId = 0;

	// Ids carry the run's start so a call of this run is never mistaken for one of an earlier
	// run (the session keeps a call's callid across restarts by this handle).
	const runTag = startedAt.toString(36);
	const nextId = (): string => `sim-${runTag}-${++lastId}`;
	const drawPatience = (): number => Math.round(random.uniform(0.5, 1.5) * patienceMs);
	const drawTalk = (): number => Math.max(second, Math.round(random.exponential(talkMs)));
	// A colleague brought in to help says their piece and goes: shorter than the customer.
	const drawPartyStay = (): number => Math.max(second, Math.round(random.exponential(talkMs / 2)));

	function randomCallerNumber(): string {
		// Mostly mobile numbers, some landlines: looks like a real queue in the UI.
		if (random.next() < 0.7) return `1${random.pick(['3', '5', '8'])}${random.digits(9)}`;
		return `${random.pick(['010', '021', '020'])}${random.digits(8)}`;
	}

	// --- queue ---------------------------------------------------------------------------

	function queueChanged(at: number): void {
		// Queue events concern the agent's queues, which it is a member of only while logged in.
		if (presence === 'logged-out') return;
		const entries: QueueEntry[] = waiting.map(({id, number, groupId, waitingSince}) => ({
			id,
			number,
			groupId,
			waitingSince,
		}));
		emit({type: 'queue-changed', at, entries});
	}

	function addCaller(groupId: string, at: number): void {
		const caller: Caller = {
			id: nextId(),
			number: randomCallerNumber(),
			groupId,
			waitingSince: at,
			offered: false,
			giveUp: null,
		};
		caller.giveUp = scheduler.at(at + drawPatience(), (due) => callerGivesUp(caller, due));
		waiting.push(caller);
		queueChanged(at);
		dispatch(at);
	}

	function removeCaller(caller: Caller, at: number): void {
		scheduler.cancel(caller.giveUp);
		caller.giveUp = null;
		const index = waiting.indexOf(caller);
		if (index >= 0) waiting.splice(index, 1);
		queueChanged(at);
	}

	function callerGivesUp(caller: Caller, at: number): void {
		caller.giveUp = null;
		if (call?.caller === caller) endCall(at, 'customer-hangup');
		removeCaller(caller, at);
		dispatch(at);
	}

	function scheduleArrival(from: number): void {
		if (!(options.arrivalsPerMinute > 0) || groups.length === 0) return;
		const meanGapMs = (60 * second) / options.arrivalsPerMinute;
		// At least 1 ms apart, so an absurd rate cannot stall the scheduler at one instant.
		const gap = Math.max(1, Math.round(random.exponential(meanGapMs)));
		scheduler.at(from + gap, (at) => {
			addCaller(random.pick(groups), at);
			scheduleArrival(at);
		});
	}

	// --- who takes the next caller -------------------------------------------------------

	function dispatch(at: number): void {
		if (presence === 'ready' && !call) {
			if (at >= availableAt) {
				const head = waiting.find((caller) => !caller.offered);
				if (head) offer(head, at);
			} else if (offerRetry?.due !== availableAt) {
				scheduler.cancel(offerRetry);
				offerRetry = scheduler.at(availableAt, (due) => {
					offerRetry = null;
					dispatch(due);
				});
			}
		}
		for (;;) {
			const head = waiting.find((caller) => !caller.offered);
			if (!head) return;
			let taker: OtherAgent | undefined;
			for (const other of others) {
				if (!other.busy && (!taker || other.idleSince < taker.idleSince)) taker = other;
			}
			if (!taker) return;
			otherAgentTakes(taker, head, at);
		}
	}

	function otherAgentTakes(other: OtherAgent, caller: Caller, at: number): void {
		removeCaller(caller, at);
		other.busy = scheduler.at(at + drawTalk() + otherAgentWrapUpMs, (due) => {
			other.busy = null;
			other.idleSince = due;
			dispatch(due);
		});
	}

	// --- this agent's call ---------------------------------------------------------------

	function offer(caller: Caller, at: number): void {
		caller.offered = true;
		const offered: AgentCall = {
			pbxCallId: caller.id,
			origin: 1,
			caller,
			phase: 'ringing',
			held: false,
			talkLeftMs: 0,
			leg: null,
			customer: null,
			consult: null,
			conference: null,
			muted: false,
			dtmf: [],
		};
		call = offered;
		emit({
			type: 'call-offered',
			at,
			pbxCallId: caller.id,
			origin: 1,
			number: caller.number,
			callerId: caller.number,
			calledId: serviceNumber(caller.groupId),
			groupId: caller.groupId,
		});
		offered.leg = scheduler.at(at + ringMs, (due) => {
			offered.leg = null;
			endCall(due, 'no-answer');
			setPresence(due, 'not-ready', 'ring-no-answer');
			dispatch(due);
		});
	}

	function customerHangsUpAt(current: AgentCall, due: number): void {
		current.customer = scheduler.at(due, (at) => {
			current.customer = null;
			endCall(at, 'customer-hangup');
			dispatch(at);
		});
	}

	function startTalking(current: AgentCall, at: number): void {
		current.phase = 'talking';
		current.talkLeftMs = drawTalk();
		customerHangsUpAt(current, at + current.talkLeftMs);
		emit({type: 'call-answered', at, pbxCallId: current.pbxCallId});
	}

	function holdCustomer(current: AgentCall, at: number): void {
		stopDtmf(current, at);
		if (current.customer) current.talkLeftMs = Math.max(0, current.customer.due - at);
		scheduler.cancel(current.customer);
		current.held = true;
		customerHangsUpAt(current, at + drawPatience());
		emit({type: 'call-held', at, pbxCallId: current.pbxCallId});
	}

	/** The customer's talk clock runs again; the caller says how the session learns of it. */
	function customerBack(current: AgentCall, at: number): void {
		scheduler.cancel(current.customer);
		current.held = false;
		customerHangsUpAt(current, at + current.talkLeftMs);
	}

	function resumeCustomer(current: AgentCall, at: number): void {
		customerBack(current, at);
		emit({type: 'call-resumed', at, pbxCallId: current.pbxCallId});
	}

	function queueDtmf(current: AgentCall, digits: string, at: number): void {
		const startsAt = Math.max(at, current.dtmf.at(-1)?.played.due ?? at);
		const played = scheduler.at(startsAt + digits.length * dtmfDigitMs, (due) => {
			current.dtmf.shift();
			emit({type: 'dtmf-sent', at: due, pbxCallId: current.pbxCallId, digits});
		});
		current.dtmf.push({digits, startsAt, played});
	}

	/** Cuts the playback: what already played is reported, the rest never reaches the line. */
	function stopDtmf(current: AgentCall, at: number): void {
		for (const burst of current.dtmf) {
			scheduler.cancel(burst.played);
			const count = Math.floor((at - burst.startsAt) / dtmfDigitMs);
			if (count > 0)
				emit({
					type: 'dtmf-sent',
					at,
					pbxCallId: current.pbxCallId,
					digits: burst.digits.slice(0, count),
				});
		}
		current.dtmf = [];
	}

	/** Ends this agent's call; the caller of a call never answered keeps its place in the queue. */
	function endCall(at: number, cause: EndCause): void {
		const ended = call;
		if (!ended) return;
		scheduler.cancel(ended.leg);
		scheduler.cancel(ended.customer);
		scheduler.cancel(ended.conference?.leaves ?? null);
		// Digits still to play die with the line: nothing to report after the call ended.
		for (const burst of ended.dtmf) scheduler.cancel(burst.played);
		if (ended.caller) ended.caller.offered = false;
		call = null;
		availableAt = at + offerPauseMs;
		emit({type: 'call-ended', at, pbxCallId: ended.pbxCallId, cause});
	}

	function setPresence(
		at: number,
		state: 'logged-out' | 'not-ready' | 'ready',
		reason: string | null,
	): void {
		presence = state;
		emit({type: 'agent-state-changed', at, state, reason});
	}

	// --- commands ------------------------------------------------------------------------

	const notLoggedIn = (): Result => refuse('not-allowed', 'The agent is not logged in to the PBX.');
	const noCall = (): Result => refuse('not-allowed', 'There is no call.');

	function talkingCall(action: string): AgentCall | Result {
		if (!call) return noCall();
		if (call.phase !== 'talking')
			return refuse('not-allowed', `Cannot ${action} a call that is not connected yet.`);
		return call;
	}

	const commands = {
		login(now: number): Result {
			if (presence !== 'logged-out')
				return refuse('not-allowed', 'The agent is already logged in.');
			// Real ACDs log agents in paused: calls come only after an explicit ready.
			setPresence(now, 'not-ready', null);
			queueChanged(now);
			return ok;
		},
		logout(now: number): Result {
			if (presence === 'logged-out') return notLoggedIn();
			if (call) return refuse('not-allowed', 'Hang up the current call before logging out.');
			setPresence(now, 'logged-out', null);
			scheduler.cancel(offerRetry);
			offerRetry = null;
			// The agent leaves its queues: tell the session they are no longer its to show.
			emit({type: 'queue-changed', at: now, entries: []});
			return ok;
		},
		setReady(now: number): Result {
			if (presence === 'logged-out') return notLoggedIn();
			// Confirmed even when already ready: the session may be leaving its own wrap-up.
			setPresence(now, 'ready', null);
			dispatch(now);
			return ok;
		},
		setNotReady(now: number, reason: string): Result {
			if (presence === 'logged-out') return notLoggedIn();
			if (typeof reason !== 'string' || reason.trim() === '')
				return refuse('bad-input', 'Give a reason for not being ready.');
			setPresence(now, 'not-ready', reason);
			return ok;
		},
		dial(now: number, number: string): Result {
			if (presence === 'logged-out') return notLoggedIn();
			if (call) return refuse('not-allowed', 'Finish the current call before dialling out.');
			const problem = validateNumber(number);
			if (problem) return refuse('bad-input', problem);
			const {outcome, afterMs} = decideDialOutcome(number, timing);
			const dialled: AgentCall = {
				pbxCallId: nextId(),
				origin: 2,
				caller: null,
				phase: 'dialing',
				held: false,
				talkLeftMs: 0,
				leg: null,
				customer: null,
				consult: null,
				conference: null,
				muted: false,
				dtmf: [],
			};
			call = dialled;
			emit({
				type: 'call-dialing',
				at: now,
				pbxCallId: dialled.pbxCallId,
				origin: 2,
				number,
				callerId: options.agentNumber,
				calledId: number,
				groupId: groups[0] ?? '',
			});
			dialled.leg = scheduler.at(now + afterMs, (at) => {
				dialled.leg = null;
				if (outcome === 'answered') return startTalking(dialled, at);
				endCall(at, outcome);
				dispatch(at);
			});
			return ok;
		},
		answer(now: number): Result {
			if (!call || call.phase !== 'ringing' || !call.caller)
				return refuse('not-allowed', 'No call is ringing.');
			const answered = call;
			const caller = call.caller;
			scheduler.cancel(answered.leg);
			answered.leg = null;
			answered.caller = null;
			startTalking(answered, now);
			removeCaller(caller, now);
			return ok;
		},
		hangup(now: number): Result {
			if (!call) return refuse('not-allowed', 'There is no call to hang up.');
			if (call.conference) {
				// The bridge outlives the agent's leg: customer and party talk on without us.
				emit({
					type: 'call-transferred',
					at: now,
					pbxCallId: call.pbxCallId,
					target: call.conference.party,
					mode: 'consult',
				});
				endCall(now, 'transferred');
				dispatch(now);
				return ok;
			}
			endCall(now, 'agent-hangup');
			dispatch(now);
			return ok;
		},
		hold(now: number): Result {
			const current = talkingCall('hold');
			if (!('pbxCallId' in current)) return current;
			if (current.held) return refuse('not-allowed', 'The call is already on hold.');
			holdCustomer(current, now);
			return ok;
		},
		unhold(now: number): Result {
			const current = talkingCall('resume');
			if (!('pbxCallId' in current)) return current;
			if (current.consult) return refuse('not-allowed', 'Complete or cancel the transfer first.');
			if (!current.held) return refuse('not-allowed', 'The call is not on hold.');
			resumeCustomer(current, now);
			return ok;
		},
		transfer(now: number, target: string, mode: TransferMode): Result {
			const current = talkingCall('transfer');
			if (!('pbxCallId' in current)) return current;
			if (current.consult)
				return refuse(
					'not-allowed',
					'A consult transfer is in progress: complete or cancel it first.',
				);
			if (current.conference)
				return refuse(
					'not-allowed',
					`Cannot transfer a three-way call: hang up to leave the customer with ${current.conference.party}.`,
				);
			if (mode !== 'blind' && mode !== 'consult')
				return refuse('bad-input', 'Transfer mode must be blind or consult.');
			const problem = validateNumber(target);
			if (problem) return refuse('bad-input', problem);
			if (target === options.agentNumber)
				return refuse('bad-input', 'Cannot transfer a call to yourself.');
			const {outcome, afterMs} = decideDialOutcome(target, timing);
			if (mode === 'blind') {
				// The PBX rejects a number it cannot route; busy or unanswered targets are no
				// longer the agent's concern once a blind transfer is accepted.
				if (outcome === 'invalid-number')
					return refuse('pbx-refused', `The PBX cannot route the call to ${target}.`);
				emit({type: 'call-transferred', at: now, pbxCallId: current.pbxCallId, target, mode});
				endCall(now, 'transferred');
				dispatch(now);
				return ok;
			}
			if (!current.held) holdCustomer(current, now);
			const consult = {target, answered: false};
			current.consult = consult;
			emit({type: 'consult-started', at: now, pbxCallId: current.pbxCallId, target});
			current.leg = scheduler.at(now + afterMs, (at) => {
				current.leg = null;
				if (outcome === 'answered') {
					consult.answered = true;
					emit({type: 'consult-answered', at, pbxCallId: current.pbxCallId});
				} else {
					// The target did not take the call: the agent is back with the held customer.
					current.consult = null;
					emit({type: 'consult-ended', at, pbxCallId: current.pbxCallId});
				}
			});
			return ok;
		},
		completeTransfer(now: number): Result {
			if (!call?.consult) return refuse('not-allowed', 'There is no consult transfer to complete.');
			if (!call.consult.answered)
				return refuse('not-allowed', `${call.consult.target} has not answered yet.`);
			emit({
				type: 'call-transferred',
				at: now,
				pbxCallId: call.pbxCallId,
				target: call.consult.target,
				mode: 'consult',
			});
			endCall(now, 'transferred');
			dispatch(now);
			return ok;
		},
		cancelTransfer(now: number): Result {
			if (!call?.consult) return refuse('not-allowed', 'There is no consult transfer to cancel.');
			const current = call;
			scheduler.cancel(current.leg);
			current.leg = null;
			current.consult = null;
			emit({type: 'consult-ended', at: now, pbxCallId: current.pbxCallId});
			resumeCustomer(current, now);
			return ok;
		},
		conference(now: number): Result {
			if (!call?.consult)
				return refuse('not-allowed', 'There is no consulted party to bring into the call.');
			if (!call.consult.answered)
				return refuse('not-allowed', `${call.consult.target} has not answered yet.`);
			const current = call;
			const party = call.consult.target;
			const conference: NonNullable<AgentCall['conference']> = {party, leaves: null};
			current.consult = null;
			current.conference = conference;
			customerBack(current, now);
			conference.leaves = scheduler.at(now + drawPartyStay(), (at) => {
				conference.leaves = null;
				current.conference = null;
				emit({type: 'conference-party-left', at, pbxCallId: current.pbxCallId, party});
			});
			emit({type: 'call-conferenced', at: now, pbxCallId: current.pbxCallId, party});
			return ok;
		},
		sendDtmf(now: number, digits: string): Result {
			const current = talkingCall('send digits on');
			if (!('pbxCallId' in current)) return current;
			if (current.held)
				return refuse('not-allowed', 'Cannot send digits while the call is on hold.');
			if (typeof digits !== 'string' || !dtmfPattern.test(digits))
				return refuse('bad-input', 'DTMF digits are 0-9, *, # and A-D (at most 32).');
			queueDtmf(current, digits, now);
			return ok;
		},
		mute(now: number): Result {
			const current = talkingCall('mute');
			if (!('pbxCallId' in current)) return current;
			if (current.muted) return refuse('not-allowed', 'The microphone is already muted.');
			current.muted = true;
			emit({type: 'call-muted', at: now, pbxCallId: current.pbxCallId});
			return ok;
		},
		unmute(now: number): Result {
			const current = talkingCall('unmute');
			if (!('pbxCallId' in current)) return current;
			if (!current.muted) return refuse('not-allowed', 'The microphone is not muted.');
			current.muted = false;
			emit({type: 'call-unmuted', at: now, pbxCallId: current.pbxCallId});
			return ok;
		},
		injectCall(now: number): Result {
			const groupId = groups[0];
			if (groupId === undefined)
				return refuse('not-allowed', 'The simulator has no queue to put a call in.');
			addCaller(groupId, now);
			return ok;
		},
	};

	// Every command first catches up with happenings that fell due (a real timer may fire late).
	function catchingUp<A extends unknown[]>(command: (now: number, ...args: A) => Result) {
		return (now: number, ...args: A): Result => {
			scheduler.runDue(now);
			return command(now, ...args);
		};
	}

	scheduleArrival(startedAt);

	return {
		advance: (now) => scheduler.runDue(now),
		nextDue: () => scheduler.nextDue(),
		login: catchingUp(commands.login),
		logout: catchingUp(commands.logout),
		setReady: catchingUp(commands.setReady),
		setNotReady: catchingUp(commands.setNotReady),
		dial: catchingUp(commands.dial),
		answer: catchingUp(commands.answer),
		hangup: catchingUp(commands.hangup),
		hold: catchingUp(commands.hold),
		unhold: catchingUp(commands.unhold),
		transfer: catchingUp(commands.transfer),
		completeTransfer: catchingUp(commands.completeTransfer),
		cancelTransfer: catchingUp(commands.cancelTransfer),
		conference: catchingUp(commands.conference),
		sendDtmf: catchingUp(commands.sendDtmf),
		mute: catchingUp(commands.mute),
		unmute: catchingUp(commands.unmute),
		injectCall: catchingUp(commands.injectCall),
		stop(now) {
			scheduler.runDue(now);
			endCall(now, 'connection-lost');
			scheduler.clear();
			waiting.length = 0;
			for (const other of others) other.busy = null;
			offerRetry = null;
		},
		inspect: () => ({
			waiting: waiting.length,
			scheduled: scheduler.size,
			otherAgentsBusy: others.filter((other) => other.busy).length,
			onCall: call !== null,
		}),
	};
}
