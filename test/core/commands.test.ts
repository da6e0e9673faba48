import {describe, expect, it} from 'vitest';
import {check} from '../../source/core/commands.js';
import type {Command, ErrorCode, SessionState} from '../../source/core/types.js';
import {all, at, none, play, start, type From} from './session-fixtures.js';

const login: Command = {type: 'login', user: '101', password: 'secret'};
const logout: Command = {type: 'logout'};
const ready: Command = {type: 'ready'};
const away: Command = {type: 'away', reason: 'lunch'};
const answer: Command = {type: 'answer'};
const hangup: Command = {type: 'hangup'};
const hold: Command = {type: 'hold'};
const unhold: Command = {type: 'unhold'};
const dial: Command = {type: 'dial', number: '5551234'};
const blind: Command = {type: 'transfer', target: '802', mode: 'blind'};
const consult: Command = {type: 'transfer', target: '802', mode: 'consult'};
const complete: Command = {type: 'complete-transfer'};
const cancel: Command = {type: 'cancel-transfer'};
const inject: Command = {type: 'inject-call'};

function expectReadable(message: string) {
	expect(message.trim().length).toBeGreaterThan(5);
	expect(message).not.toMatch(/undefined|null|NaN|\[object/);
	expect(message).toMatch(/^[A-Z]/);
}

describe('check: refusals', () => {
	it.each<[From, Command, ErrorCode]>([
		['not-ready', login, 'not-allowed'],
		['ready', login, 'not-allowed'],
		['talking', login, 'not-allowed'],
		['logged-out', logout, 'not-allowed'],
		['ringing', logout, 'not-allowed'],
		['dialing', logout, 'not-allowed'],
		['talking', logout, 'not-allowed'],
		['held', logout, 'not-allowed'],
		['logged-out', ready, 'not-allowed'],
		['ready', ready, 'not-allowed'],
		['ringing', ready, 'not-allowed'],
		['dialing', ready, 'not-allowed'],
		['talking', ready, 'not-allowed'],
		['held', ready, 'not-allowed'],
		['logged-out', away, 'not-allowed'],
		['ringing', away, 'not-allowed'],
		['dialing', away, 'not-allowed'],
		['talking', away, 'not-allowed'],
		['held', away, 'not-allowed'],
		['logged-out', answer, 'not-allowed'],
		['ready', answer, 'not-allowed'],
		['dialing', answer, 'not-allowed'],
		['talking', answer, 'not-allowed'],
		['held', answer, 'not-allowed'],
		['wrap-up', answer, 'not-allowed'],
		['logged-out', hangup, 'not-allowed'],
		['ready', hangup, 'not-allowed'],
		['not-ready', hangup, 'not-allowed'],
		['wrap-up', hangup, 'not-allowed'],
		['ready', hold, 'not-allowed'],
		['ringing', hold, 'not-allowed'],
		['dialing', hold, 'not-allowed'],
		['held', hold, 'not-allowed'],
		['consult', hold, 'not-allowed'],
		['wrap-up', hold, 'not-allowed'],
		['ready', unhold, 'not-allowed'],
		['ringing', unhold, 'not-allowed'],
		['talking', unhold, 'not-allowed'],
		['consult', unhold, 'not-allowed'],
		['logged-out', dial, 'not-allowed'],
		['ringing', dial, 'not-allowed'],
		['dialing', dial, 'not-allowed'],
		['talking', dial, 'not-allowed'],
		['held', dial, 'not-allowed'],
		['logged-out', blind, 'not-allowed'],
		['ready', blind, 'not-allowed'],
		['ringing', blind, 'not-allowed'],
		['dialing', blind, 'not-allowed'],
		['wrap-up', blind, 'not-allowed'],
		['ready', consult, 'not-allowed'],
		['ringing', consult, 'not-allowed'],
		['consult', consult, 'not-allowed'],
		['consult answered', blind, 'not-allowed'],
		['talking', complete, 'not-allowed'],
		['held', complete, 'not-allowed'],
		['ready', complete, 'not-allowed'],
		['talking', cancel, 'not-allowed'],
		['held', cancel, 'not-allowed'],
		['ready', cancel, 'not-allowed'],
	])('refuses %s + %o with %s', (from, command, code) => {
		const result = check(start(from), command, all);
		expect(result).toMatchObject({ok: false, code});
		if (!result.ok) expectReadable(result.message);
	});

	it('refuses going away again with the same reason, but allows another reason', () => {
		const state = play(start('ready'), [
			{type: 'agent-state-changed', at: at(50), state: 'not-ready', reason: 'lunch'},
		]);
		expect(check(state, {type: 'away', reason: 'lunch'}, all)).toMatchObject({
			ok: false,
			code: 'not-allowed',
		});
		expect(check(state, {type: 'away', reason: 'meeting'}, all)).toEqual({ok: true});
	});

	it.each<[string, From, Command]>([
		['an empty number to dial', 'ready', {type: 'dial', number: ''}],
		['a blank number to dial', 'not-ready', {type: 'dial', number: '   '}],
		['an empty transfer target', 'talking', {type: 'transfer', target: '', mode: 'blind'}],
		['a blank consult target', 'held', {type: 'transfer', target: ' ', mode: 'consult'}],
		['an empty away reason', 'ready', {type: 'away', reason: ''}],
	])('refuses %s as bad input', (_title, from, command) => {
		const result = check(start(from), command, all);
		expect(result).toMatchObject({ok: false, code: 'bad-input'});
		if (!result.ok) expectReadable(result.message);
	});
});

describe('check: allowed commands', () => {
	it.each<[From, Command]>([
		['logged-out', login],
		['ready', logout],
		['not-ready', logout],
		['wrap-up', logout],
		['not-ready', ready],
		['wrap-up', ready],
		['ready', away],
		['not-ready', away],
		['wrap-up', away],
		['ringing', answer],
		['ringing', hangup],
		['dialing', hangup],
		['talking', hangup],
		['held', hangup],
		['consult', hangup],
		['talking', hold],
		['held', unhold],
		['ready', dial],
		['not-ready', dial],
		['wrap-up', dial],
		['talking', blind],
		['held', blind],
		['talking', consult],
		['held', consult],
		['consult', complete],
		['consult answered', complete],
		['consult', cancel],
		['consult answered', cancel],
		['logged-out', inject],
		['ready', inject],
		['talking', inject],
	])('allows %s + %o', (from, command) => {
		expect(check(start(from), command, all)).toEqual({ok: true});
	});
});

describe('check: the PBX link and its capabilities', () => {
	const disconnected = (from: From, message: string | null = 'connection refused'): SessionState =>
		play(start(from), [{type: 'connection-changed', at: at(99), connected: false, message}]);

	it.each<[From, Command]>([
		['logged-out', login],
		['ready', logout],
		['not-ready', ready],
		['ready', away],
		['ringing', answer],
		['talking', hangup],
		['talking', hold],
		['held', unhold],
		['ready', dial],
		['talking', blind],
		['consult', complete],
		['consult', cancel],
	])('refuses %s + %o with pbx-unavailable while disconnected', (from, command) => {
		const result = check(disconnected(from), command, all);
		expect(result).toMatchObject({ok: false, code: 'pbx-unavailable'});
		if (!result.ok) {
			expectReadable(result.message);
			expect(result.message).toContain('connection refused');
		}
	});

	it('says "not connected" without a reason when the PBX gave none', () => {
		const result = check(disconnected('ready', null), dial, all);
		expect(result).toEqual({
			ok: false,
			code: 'pbx-unavailable',
			message: 'Not connected to the PBX.',
		});
	});

	it('does not double the full stop of a PBX message', () => {
		const result = check(disconnected('ready', 'Authentication failed.'), dial, all);
		expect(result).toMatchObject({message: 'Not connected to the PBX: Authentication failed.'});
	});

	it.each<[From, Command]>([
		['ringing', answer],
		['talking', hold],
		['held', unhold],
		['ready', dial],
		['talking', blind],
		['talking', consult],
		['ready', inject],
	])('refuses %s + %o with not-supported when the PBX cannot do it', (from, command) => {
		const result = check(start(from), command, none);
		expect(result).toMatchObject({ok: false, code: 'not-supported'});
		if (!result.ok) expectReadable(result.message);
	});

	it('allows a blind transfer on a PBX that only does blind transfers', () => {
		const blindOnly = {...none, blindTransfer: true};
		expect(check(start('talking'), blind, blindOnly)).toEqual({ok: true});
		expect(check(start('talking'), consult, blindOnly)).toMatchObject({
			ok: false,
			code: 'not-supported',
		});
	});

	it('allows commands that need no capability on a PBX with none', () => {
		expect(check(start('not-ready'), ready, none)).toEqual({ok: true});
		expect(check(start('talking'), hangup, none)).toEqual({ok: true});
	});
});
