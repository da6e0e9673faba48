import {describe, expect, it} from 'vitest';
import type {DriverEvent} from '../../../source/core/types.js';
import {createCallCentre, serviceNumber} from '../../../source/cti/sim/call-centre.js';
import {createRandom} from '../../../source/cti/sim/random.js';

describe('createCallCentre', () => {
	it('names the service number of a group after it', () => {
		expect(serviceNumber('1')).toBe('801');
		expect(serviceNumber('12')).toBe('8012');
	});

	it('keeps memory flat over an 8-hour shift at 60 calls a minute', () => {
		let events = 0;
		let answered = 0;
		let pending: DriverEvent | null = null;
		const start = Date.UTC(2026, 0, 5, 8);
		const centre = createCallCentre(
			{
				seed: 11,
				arrivalsPerMinute: 60,
				patienceSeconds: 60,
				ringSeconds: 15,
				otherAgents: 60,
				talkSeconds: 60,
				groups: ['1', '2', '3'],
				agentNumber: '101',
			},
			createRandom(11),
			(event) => {
				events++;
				if (event.type === 'call-offered' || event.type === 'call-ended') pending = event;
			},
			start,
		);
		centre.login(start);
		centre.setReady(start);
		const sizes: {waiting: number; scheduled: number}[] = [];
		// This agent answers whatever rings and hangs up after at most 30 s, like a busy shift.
		for (let second = 1; second <= 8 * 3600; second++) {
			const now = start + second * 1000;
			centre.advance(now);
			const last = pending as DriverEvent | null;
			if (last?.type === 'call-offered') {
				centre.answer(now);
				answered++;
				pending = null;
			} else if (last?.type === 'call-ended') {
				pending = null;
			}
			if (second % 30 === 0 && centre.inspect().onCall) centre.hangup(now);
			if (second % 600 === 0) sizes.push(centre.inspect());
		}
		expect(events).toBeGreaterThan(8 * 60 * 60);
		expect(answered).toBeGreaterThan(100);
		// Waiting callers and pending happenings stay bounded: the last hour looks like the first.
		const maxWaiting = Math.max(...sizes.map((size) => size.waiting));
		const maxScheduled = Math.max(...sizes.map((size) => size.scheduled));
		expect(maxWaiting).toBeLessThan(150);
		expect(maxScheduled).toBeLessThan(250);
		const firstHour = sizes.slice(0, 6);
		const lastHour = sizes.slice(-6);
		const average = (list: typeof sizes) =>
			list.reduce((sum, size) => sum + size.scheduled, 0) / list.length;
		expect(average(lastHour)).toBeLessThan(average(firstHour) * 1.5 + 20);
	});

	it('leaves nothing scheduled after stop', () => {
		const centre = createCallCentre(
			{
				seed: 1,
				arrivalsPerMinute: 10,
				patienceSeconds: 60,
				ringSeconds: 15,
				otherAgents: 2,
				talkSeconds: 60,
				groups: ['1'],
				agentNumber: '101',
			},
			createRandom(1),
			() => undefined,
			0,
		);
		centre.advance(600_000);
		expect(centre.inspect().scheduled).toBeGreaterThan(0);
		centre.stop(600_000);
		expect(centre.inspect()).toEqual({waiting: 0, scheduled: 0, otherAgentsBusy: 0, onCall: false});
		expect(centre.nextDue()).toBeNull();
	});
});
