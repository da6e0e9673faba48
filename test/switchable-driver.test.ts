// The session's swappable driver must pass every Driver method through: a method it drops is a
// feature that silently stops working in the app (the agent's intent was lost this way once:
// a restart during wrap-up re-added the member unpaused).
import {describe, expect, it} from 'vitest';
import type {Driver} from '../source/cti/driver.js';
import {createSwitchableDriver} from '../source/switchable-driver.js';

/** A driver whose every method records its name and arguments. */
function recordingDriver(calls: Array<[string, unknown[]]>): Driver {
	const methods = [
		'connect',
		'disconnect',
		'login',
		'logout',
		'setReady',
		'setNotReady',
		'setIntent',
		'dial',
		'answer',
		'hangup',
		'hold',
		'unhold',
		'transfer',
		'completeTransfer',
		'cancelTransfer',
		'conference',
		'sendDtmf',
		'mute',
		'unmute',
		'injectCall',
	];
	const driver: Record<string, unknown> = {
		name: 'recording',
		capabilities: {},
		onEvent: () => () => undefined,
	};
	for (const method of methods)
		driver[method] = (...args: unknown[]) => {
			calls.push([method, args]);
			return Promise.resolve({ok: true});
		};
	return driver as unknown as Driver;
}

describe('the switchable driver', () => {
	it('passes every method of the Driver it wraps through, setIntent included', () => {
		const calls: Array<[string, unknown[]]> = [];
		const inner = recordingDriver(calls);
		const wrapped = createSwitchableDriver(inner) as unknown as Record<string, unknown>;
		for (const [key, value] of Object.entries(inner)) {
			if (typeof value !== 'function' || key === 'onEvent') continue;
			expect(typeof wrapped[key], key).toBe('function');
			(wrapped[key] as (...args: unknown[]) => unknown)('x');
			expect(calls.at(-1)?.[0], key).toBe(key);
		}
	});

	it('gives a driver swapped in the last intent the session set', async () => {
		const first: Array<[string, unknown[]]> = [];
		const second: Array<[string, unknown[]]> = [];
		const driver = createSwitchableDriver(recordingDriver(first));
		driver.setIntent?.({paused: true, reason: 'wrap-up'});
		await driver.replace(recordingDriver(second));
		expect(second).toContainEqual(['setIntent', [{paused: true, reason: 'wrap-up'}]]);
	});
});
