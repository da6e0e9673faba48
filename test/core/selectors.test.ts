import {describe, expect, it} from 'vitest';
import {
	callDuration,
	formatDuration,
	holdDuration,
	shiftCounters,
	timeInState,
	waitTime,
	wrapUpRemaining,
} from '../../source/core/selectors.js';
import type {ShiftTotals} from '../../source/core/types.js';
import {at, inbound, play, start, t0} from './session-fixtures.js';

describe('timeInState', () => {
	it('counts from when the current state began', () => {
		const state = start('talking'); // answered at 20 s
		expect(timeInState(state, at(20))).toBe(0);
		expect(timeInState(state, at(95))).toBe(75_000);
	});

	it('restarts when the not-ready reason changes', () => {
		const state = play(start('not-ready'), [{type: 'agent-state-changed', at: at(60), state: 'not-ready', reason: 'lunch'}]);
		expect(timeInState(state, at(90))).toBe(30_000);
	});

	it('never goes negative when the clock is behind the state', () => {
		expect(timeInState(start('talking'), at(10))).toBe(0);
	});
});

describe('callDuration', () => {
	it('is ring time before the call is answered', () => {
		const call = start('ringing').call!; // offered at 10 s
		expect(callDuration(call, at(17))).toBe(7000);
	});

	it('is talk time (hold included) once answered', () => {
		const call = start('held').call!; // answered at 20 s, held at 30 s
		expect(callDuration(call, at(50))).toBe(30_000);
	});

	it('stops at the end of the call', () => {
		const call = {...start('talking').call!, endedAt: at(40)};
		expect(callDuration(call, at(500))).toBe(20_000);
	});

	it('never goes negative', () => {
		expect(callDuration(start('talking').call!, at(0))).toBe(0);
	});
});

describe('holdDuration', () => {
	it('is 0 for a call never held', () => {
		expect(holdDuration(start('talking').call!, at(60))).toBe(0);
	});

	it('includes the open hold period', () => {
		expect(holdDuration(start('held').call!, at(42))).toBe(12_000);
	});

	it('adds finished and open hold periods', () => {
		const state = play(start('held'), [
			{type: 'call-resumed', at: at(35), pbxCallId: inbound.pbxCallId},
			{type: 'call-held', at: at(50), pbxCallId: inbound.pbxCallId},
		]);
		expect(holdDuration(state.call!, at(53))).toBe(8000);
	});

	it('stays at the finished hold time once resumed', () => {
		const state = play(start('held'), [{type: 'call-resumed', at: at(35), pbxCallId: inbound.pbxCallId}]);
		expect(holdDuration(state.call!, at(500))).toBe(5000);
	});
});

describe('wrapUpRemaining and waitTime', () => {
	it('counts down to the end of wrap-up and stops at 0', () => {
		const state = start('wrap-up'); // until 70 s
		expect(wrapUpRemaining(state, at(50))).toBe(20_000);
		expect(wrapUpRemaining(state, at(80))).toBe(0);
	});

	it('is null without wrap-up or without a timer', () => {
		expect(wrapUpRemaining(start('ready'), at(50))).toBeNull();
		const untimed = play(start('ready'), [
			{type: 'wrap-up-started', at: at(50), until: null, returnTo: 'ready', returnReason: null},
		]);
		expect(wrapUpRemaining(untimed, at(60))).toBeNull();
	});

	it('counts how long a caller has waited', () => {
		expect(waitTime({id: 'q1', number: '1', groupId: '1', waitingSince: at(5)}, at(65))).toBe(60_000);
		expect(waitTime({id: 'q1', number: '1', groupId: '1', waitingSince: at(5)}, at(0))).toBe(0);
	});
});

describe('shiftCounters', () => {
	const shift = (totals: Partial<ShiftTotals>): ShiftTotals => ({
		startedAt: t0,
		callsHandled: 0,
		callsMissed: 0,
		talkMs: 0,
		holdMs: 0,
		wrapUpMs: 0,
		...totals,
	});

	it('gives an average handle time of 0 before the first call', () => {
		expect(shiftCounters(shift({callsMissed: 2}), at(60))).toEqual({
			callsHandled: 0,
			callsMissed: 2,
			talkMs: 0,
			holdMs: 0,
			wrapUpMs: 0,
			averageHandleMs: 0,
			shiftMs: 60_000,
		});
	});

	it('averages talk, hold and wrap-up over the calls handled', () => {
		const counters = shiftCounters(shift({callsHandled: 3, talkMs: 200_000, holdMs: 40_000, wrapUpMs: 60_000}), at(3600));
		expect(counters.averageHandleMs).toBe(100_000);
		expect(counters.shiftMs).toBe(3_600_000);
	});

	it('rounds the average to whole milliseconds', () => {
		expect(shiftCounters(shift({callsHandled: 3, talkMs: 1000}), t0).averageHandleMs).toBe(333);
	});

	it('counts the calls of a real session', () => {
		const state = play(start('held'), [
			{type: 'call-ended', at: at(45), pbxCallId: inbound.pbxCallId, cause: 'agent-hangup'},
			{type: 'wrap-up-started', at: at(45), until: at(75), returnTo: 'ready', returnReason: null},
			{type: 'wrap-up-ended', at: at(75)},
		]);
		// Answered at 20 s, held 30–45 s, wrap-up 45–75 s.
		expect(shiftCounters(state.shift, at(100))).toMatchObject({
			callsHandled: 1,
			talkMs: 10_000,
			holdMs: 15_000,
			wrapUpMs: 30_000,
			averageHandleMs: 55_000,
		});
	});
});

describe('formatDuration', () => {
	it.each([
		[0, '0:00'],
		[999, '0:00'],
		[1000, '0:01'],
		[59_999, '0:59'],
		[60_000, '1:00'],
		[605_000, '10:05'],
		[3_599_000, '59:59'],
		[3_600_000, '1:00:00'],
		[3_661_000, '1:01:01'],
		[36_000_000 + 5000, '10:00:05'],
		[-5000, '0:00'],
	])('formats %d ms as %s', (ms, text) => {
		expect(formatDuration(ms)).toBe(text);
	});
});
