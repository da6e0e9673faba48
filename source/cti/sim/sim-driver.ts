// The embedded simulated call centre as a Driver: ctidesk's default PBX, so the app runs
// anywhere. This file only adapts call-centre.ts to the Driver contract and to the clock:
// one clock timer for the model's next happening, events delivered in order, refusals while
// not connected. Everything the ACD does is described at the top of call-centre.ts.
import type {DriverEvent, Result, TransferMode} from '../../core/types.js';
import {refuse} from '../../core/types.js';
import type {Capabilities, Clock, TimerHandle} from '../../core/types.js';
import type {Driver} from '../driver.js';
import {createEventStream} from '../event-stream.js';
import {createCallCentre, type CallCentre, type SimOptions} from './call-centre.js';
import {createRandom} from './random.js';

export type {SimOptions} from './call-centre.js';
export {dtmfDigitMs, offerPauseMs, otherAgentWrapUpMs, serviceNumber} from './call-centre.js';
export {dialRules, type DialRule} from './outbound-outcome.js';

const capabilities: Capabilities = {
	answer: true,
	hold: true,
	dial: true,
	blindTransfer: true,
	consultTransfer: true,
	conference: true,
	dtmf: true,
	mute: true,
	injectCall: true,
};

const longestTimerMs = 3_600_000;

export function createSimDriver(options: SimOptions, clock: Clock): Driver {
	// One random stream for the driver's life: same seed and same clock steps, same events.
	const random = createRandom(options.seed);
	const events = createEventStream<DriverEvent>();
	let centre: CallCentre | null = null;
	let timer: TimerHandle | null = null;
	let timerDue: number | null = null;

	function reschedule(): void {
		const due = centre?.nextDue() ?? null;
		if (due === timerDue) return;
		if (timer) clock.clearTimeout(timer);
		timer = null;
		timerDue = due;
		// Capped: Node fires a timeout over 2^31-1 ms at once, which would spin on a far happening.
		if (due !== null)
			timer = clock.setTimeout(onTimer, Math.min(longestTimerMs, Math.max(0, due - clock.now())));
	}

	function onTimer(): void {
		timer = null;
		timerDue = null;
		centre?.advance(clock.now());
		reschedule();
		events.flush();
	}

	function run(command: (centre: CallCentre, now: number) => Result): Promise<Result> {
		if (!centre)
			return Promise.resolve(refuse('pbx-unavailable', 'The simulated PBX is not connected.'));
		const result = command(centre, clock.now());
		reschedule();
		events.flush();
		return Promise.resolve(result);
	}

	return {
		name: 'sim',
		capabilities,
		connect() {
			if (!centre) {
				const now = clock.now();
				events.queue({type: 'connection-changed', at: now, connected: true, message: null});
				centre = createCallCentre(options, random, (event) => events.queue(event), now);
				reschedule();
				events.flush();
			}
			return Promise.resolve();
		},
		disconnect() {
			if (centre) {
				const now = clock.now();
				centre.stop(now);
				centre = null;
				reschedule();
				events.queue({
					type: 'connection-changed',
					at: now,
					connected: false,
					message: 'The simulated PBX was stopped.',
				});
				events.flush();
			}
			return Promise.resolve();
		},
		onEvent: (listener) => events.subscribe(listener),
		login: () => run((sim, now) => sim.login(now)),
		logout: () => run((sim, now) => sim.logout(now)),
		setReady: () => run((sim, now) => sim.setReady(now)),
		setNotReady: (reason: string) => run((sim, now) => sim.setNotReady(now, reason)),
		dial: (number: string) => run((sim, now) => sim.dial(now, number)),
		answer: () => run((sim, now) => sim.answer(now)),
		hangup: () => run((sim, now) => sim.hangup(now)),
		hold: () => run((sim, now) => sim.hold(now)),
		unhold: () => run((sim, now) => sim.unhold(now)),
		transfer: (target: string, mode: TransferMode) =>
			run((sim, now) => sim.transfer(now, target, mode)),
		completeTransfer: () => run((sim, now) => sim.completeTransfer(now)),
		cancelTransfer: () => run((sim, now) => sim.cancelTransfer(now)),
		injectCall: () => run((sim, now) => sim.injectCall(now)),
		conference: () => run((sim, now) => sim.conference(now)),
		sendDtmf: (digits: string) => run((sim, now) => sim.sendDtmf(now, digits)),
		mute: () => run((sim, now) => sim.mute(now)),
		unmute: () => run((sim, now) => sim.unmute(now)),
	};
}
