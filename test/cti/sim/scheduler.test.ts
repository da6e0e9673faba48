import {describe, expect, it} from 'vitest';
import {createScheduler} from '../../../source/cti/sim/scheduler.js';

describe('createScheduler', () => {
	it('runs due happenings in time order, same-time ones in the order scheduled', () => {
		const scheduler = createScheduler();
		const ran: string[] = [];
		scheduler.at(30, (at) => ran.push(`c@${at}`));
		scheduler.at(10, (at) => ran.push(`a@${at}`));
		scheduler.at(30, (at) => ran.push(`d@${at}`));
		scheduler.at(20, (at) => ran.push(`b@${at}`));
		scheduler.at(40, (at) => ran.push(`e@${at}`));
		expect(scheduler.nextDue()).toBe(10);
		scheduler.runDue(30);
		expect(ran).toEqual(['a@10', 'b@20', 'c@30', 'd@30']);
		expect(scheduler.nextDue()).toBe(40);
		expect(scheduler.size).toBe(1);
	});

	it('runs happenings scheduled by a happening when they are already due', () => {
		const scheduler = createScheduler();
		const ran: number[] = [];
		scheduler.at(5, (at) => {
			ran.push(at);
			scheduler.at(at + 1, (later) => ran.push(later));
			scheduler.at(at + 100, (later) => ran.push(later));
		});
		scheduler.runDue(10);
		expect(ran).toEqual([5, 6]);
		expect(scheduler.nextDue()).toBe(105);
	});

	it('forgets cancelled happenings at once', () => {
		const scheduler = createScheduler();
		const ran: string[] = [];
		const cancelled = scheduler.at(10, () => ran.push('cancelled'));
		scheduler.at(20, () => ran.push('kept'));
		scheduler.cancel(cancelled);
		scheduler.cancel(cancelled);
		scheduler.cancel(null);
		expect(scheduler.size).toBe(1);
		scheduler.runDue(100);
		expect(ran).toEqual(['kept']);
		expect(scheduler.nextDue()).toBeNull();
	});

	it('clears everything', () => {
		const scheduler = createScheduler();
		scheduler.at(1, () => undefined);
		scheduler.at(2, () => undefined);
		scheduler.clear();
		expect(scheduler.size).toBe(0);
		expect(scheduler.nextDue()).toBeNull();
	});
});
