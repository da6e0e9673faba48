import {describe, expect, it} from 'vitest';
import {createInitialState, deriveAgentState, recentCallsLimit, reduce} from '../../source/core/session.js';
import type {AgentState, SessionEvent} from '../../source/core/types.js';
import {
	answered,
	at,
	dialed,
	held,
	identity,
	inbound,
	offered,
	outbound,
	play,
	sid,
	start,
	t0,
	wrapUpStarted,
	type From,
	type Step,
} from './session-fixtures.js';

describe('reduce: agent state transitions (SPEC section 3)', () => {
	it.each<[string, From, Step, AgentState]>([
		['login: the PBX reports the agent paused', 'logged-out', {type: 'agent-state-changed', at: at(50), state: 'not-ready', reason: 'login'}, 'not-ready'],
		['not-ready → ready', 'not-ready', {type: 'agent-state-changed', at: at(50), state: 'ready', reason: null}, 'ready'],
		['ready → not-ready (away)', 'ready', {type: 'agent-state-changed', at: at(50), state: 'not-ready', reason: 'lunch'}, 'not-ready'],
		['not-ready → not-ready with another reason', 'not-ready', {type: 'agent-state-changed', at: at(50), state: 'not-ready', reason: 'lunch'}, 'not-ready'],
		['ready → logged-out', 'ready', {type: 'agent-state-changed', at: at(50), state: 'logged-out', reason: null}, 'logged-out'],
		['not-ready → logged-out', 'not-ready', {type: 'agent-state-changed', at: at(50), state: 'logged-out', reason: null}, 'logged-out'],
		['wrap-up → logged-out', 'wrap-up', {type: 'agent-state-changed', at: at(50), state: 'logged-out', reason: null}, 'logged-out'],
		['ready → ringing when a call is offered', 'ready', offered, 'ringing'],
		['not-ready → ringing when a call is offered (a direct call)', 'not-ready', offered, 'ringing'],
		['ready → dialing when an outbound call starts', 'ready', dialed, 'dialing'],
		['not-ready → dialing when an outbound call starts', 'not-ready', dialed, 'dialing'],
		['wrap-up → dialing when an outbound call starts', 'wrap-up', dialed, 'dialing'],
		['ringing → talking when answered', 'ringing', answered(inbound), 'talking'],
		['dialing → talking when the far end answers', 'dialing', answered(outbound), 'talking'],
		['talking → held', 'talking', held, 'held'],
		['held → talking when resumed', 'held', {type: 'call-resumed', at: at(35), pbxCallId: inbound.pbxCallId}, 'talking'],
		['held stays held when a consult starts', 'held', {type: 'consult-started', at: at(31), pbxCallId: inbound.pbxCallId, target: '802'}, 'held'],
		['held stays held when the consult target answers', 'consult', {type: 'consult-answered', at: at(35), pbxCallId: inbound.pbxCallId}, 'held'],
		['held stays held when the consult ends without a transfer', 'consult answered', {type: 'consult-ended', at: at(36), pbxCallId: inbound.pbxCallId}, 'held'],
		['talking stays talking when the call is marked transferred', 'talking', {type: 'call-transferred', at: at(36), pbxCallId: inbound.pbxCallId, target: '802', mode: 'blind'}, 'talking'],
		['ringing → ready when the caller gives up (missed)', 'ringing', {type: 'call-ended', at: at(15), pbxCallId: inbound.pbxCallId, cause: 'customer-hangup'}, 'ready'],
		['dialing → ready when the far end does not answer', 'dialing', {type: 'call-ended', at: at(15), pbxCallId: outbound.pbxCallId, cause: 'no-answer'}, 'ready'],
		['dialing from not-ready → not-ready when the number is busy', 'dialing from not-ready', {type: 'call-ended', at: at(15), pbxCallId: outbound.pbxCallId, cause: 'busy'}, 'not-ready'],
		['talking → ready when the call ends (before wrap-up starts)', 'talking', {type: 'call-ended', at: at(40), pbxCallId: inbound.pbxCallId, cause: 'agent-hangup'}, 'ready'],
		['held → ready when the held call ends', 'held', {type: 'call-ended', at: at(40), pbxCallId: inbound.pbxCallId, cause: 'customer-hangup'}, 'ready'],
		['ready → wrap-up when wrap-up starts', 'ready', wrapUpStarted, 'wrap-up'],
		['wrap-up stays wrap-up while the PBX pauses the agent for it', 'wrap-up started', {type: 'agent-state-changed', at: at(41), state: 'not-ready', reason: 'wrap-up'}, 'wrap-up'],
		['wrap-up stays wrap-up when the PBX reports ready before it ends', 'wrap-up', {type: 'agent-state-changed', at: at(50), state: 'ready', reason: null}, 'wrap-up'],
		['wrap-up → ready when it ends with the PBX ready', 'wrap-up, PBX ready again', {type: 'wrap-up-ended', at: at(51)}, 'ready'],
		['wrap-up → not-ready when it ends with the PBX paused', 'wrap-up, PBX away again', {type: 'wrap-up-ended', at: at(51)}, 'not-ready'],
		['ringing stays ringing when the PBX reports a presence change', 'ringing', {type: 'agent-state-changed', at: at(12), state: 'not-ready', reason: 'supervisor'}, 'ringing'],
		['talking stays talking when the queue changes', 'talking', {type: 'queue-changed', at: at(25), entries: []}, 'talking'],
	])('%s', (_title, from, step, to) => {
		const before = start(from);
		const after = play(before, [step]);
		expect(after.agent.state).toBe(to);
		expect(deriveAgentState(after)).toBe(to);
		expect(after.seq).toBe(before.seq + 1);
	});
});

describe('reduce: presence and identity', () => {
	it('keeps the not-ready reason and drops it when ready', () => {
		const away = play(start('ready'), [{type: 'agent-state-changed', at: at(50), state: 'not-ready', reason: 'lunch'}]);
		expect(away.agent).toMatchObject({state: 'not-ready', presence: 'not-ready', reason: 'lunch'});
		const back = play(away, [{type: 'agent-state-changed', at: at(60), state: 'ready', reason: 'ignored'}]);
		expect(back.agent).toMatchObject({state: 'ready', presence: 'ready', reason: null});
	});

	it('records the identity and session id at login', () => {
		const state = start('not-ready');
		expect(state.agent.identity).toEqual(identity);
		expect(state.agent.sid).toBe(sid);
	});

	it('clears identity, session id and wrap-up when logged out', () => {
		const state = play(start('wrap-up'), [{type: 'agent-state-changed', at: at(60), state: 'logged-out', reason: null}]);
		expect(state.agent).toMatchObject({state: 'logged-out', presence: 'logged-out', identity: null, sid: null, wrapUp: null, reason: null});
	});

	it('counts an open wrap-up in the shift totals when logged out', () => {
		const state = play(start('wrap-up'), [{type: 'agent-state-changed', at: at(60), state: 'logged-out', reason: null}]);
		expect(state.shift.wrapUpMs).toBe(20_000);
	});

	it.each<[From, boolean, string | null]>([
		['ready', false, 'connection refused'],
		['talking', false, null],
		['wrap-up', true, null],
	])('connection-changed leaves agent and call untouched (%s, connected=%s)', (from, isConnected, message) => {
		const before = start(from);
		const after = play(before, [{type: 'connection-changed', at: at(55), connected: isConnected, message}]);
		expect(after.pbx).toEqual({driver: 'sim', connected: isConnected, message});
		expect(after.agent).toBe(before.agent);
		expect(after.call).toBe(before.call);
		expect(after.queue).toBe(before.queue);
	});

	it('replaces the queue with the reported list', () => {
		const entries = [
			{id: 'q1', number: '111', groupId: '1', waitingSince: at(3)},
			{id: 'q2', number: '222', groupId: '1', waitingSince: at(4)},
		];
		const state = play(start('ready'), [{type: 'queue-changed', at: at(5), entries}]);
		expect(state.queue).toEqual(entries);
		const emptied = play(state, [{type: 'queue-changed', at: at(6), entries: []}]);
		expect(emptied.queue).toEqual([]);
	});
});

describe('reduce: the call', () => {
	it('creates the call from the offer with the agent identity and the given callId', () => {
		const state = start('ringing');
		expect(state.call).toEqual({
			callId: '20261125090010001',
			...inbound,
			agentId: '1',
			empId: '001',
			state: 'ringing',
			startedAt: at(10),
			answeredAt: null,
			endedAt: null,
			heldMs: 0,
			heldSince: null,
			endCause: null,
			transferTarget: null,
			transferMode: null,
			consult: null,
			conferenceWith: null,
			muted: false,
		});
	});

	it('records when the call was answered', () => {
		expect(start('talking').call).toMatchObject({state: 'talking', answeredAt: at(20)});
	});

	it('accumulates hold time over several hold periods', () => {
		const state = play(start('talking'), [
			{type: 'call-held', at: at(30), pbxCallId: inbound.pbxCallId},
			{type: 'call-resumed', at: at(35), pbxCallId: inbound.pbxCallId},
			{type: 'call-held', at: at(40), pbxCallId: inbound.pbxCallId},
		]);
		expect(state.call).toMatchObject({state: 'held', heldMs: 5000, heldSince: at(40)});
		const resumed = play(state, [{type: 'call-resumed', at: at(47), pbxCallId: inbound.pbxCallId}]);
		expect(resumed.call).toMatchObject({state: 'talking', heldMs: 12_000, heldSince: null});
	});

	it('tracks a consult from start to answer to end', () => {
		const consult = start('consult');
		expect(consult.call?.consult).toEqual({target: '802', state: 'dialing', startedAt: at(31), answeredAt: null});
		const answeredConsult = play(consult, [{type: 'consult-answered', at: at(35), pbxCallId: inbound.pbxCallId}]);
		expect(answeredConsult.call?.consult).toEqual({target: '802', state: 'talking', startedAt: at(31), answeredAt: at(35)});
		const ended = play(answeredConsult, [{type: 'consult-ended', at: at(36), pbxCallId: inbound.pbxCallId}]);
		expect(ended.call?.consult).toBeNull();
		expect(ended.call?.state).toBe('held');
	});

	it('records a transfer and writes it to the call record when the call ends', () => {
		const state = play(start('consult answered'), [
			{type: 'call-transferred', at: at(38), pbxCallId: inbound.pbxCallId, target: '802', mode: 'consult'},
			{type: 'call-ended', at: at(38), pbxCallId: inbound.pbxCallId, cause: 'transferred'},
		]);
		expect(state.call).toBeNull();
		expect(state.recentCalls[0]).toMatchObject({endCause: 'transferred', transferTarget: '802', transferMode: 'consult'});
	});

	it('writes a record of the finished call, newest first', () => {
		const state = start('wrap-up');
		expect(state.recentCalls).toEqual([
			{
				callId: '20261125090010001',
				origin: 1,
				number: inbound.number,
				callerId: inbound.callerId,
				calledId: inbound.calledId,
				groupId: inbound.groupId,
				agentId: '1',
				empId: '001',
				startedAt: at(10),
				answeredAt: at(20),
				endedAt: at(40),
				heldMs: 0,
				endCause: 'customer-hangup',
				transferTarget: null,
				transferMode: null,
				conferenceWith: null,
				disposition: null,
				note: null,
			},
		]);
		const second = play(state, [
			{type: 'wrap-up-ended', at: at(45)},
			{...dialed, at: at(50), callId: '20261125090050001'},
			{type: 'call-ended', at: at(55), pbxCallId: outbound.pbxCallId, cause: 'busy'},
		]);
		expect(second.recentCalls.map((record) => record.callId)).toEqual(['20261125090050001', '20261125090010001']);
	});

	it('closes an open hold period when a held call ends', () => {
		const state = play(start('held'), [{type: 'call-ended', at: at(38), pbxCallId: inbound.pbxCallId, cause: 'customer-hangup'}]);
		expect(state.recentCalls[0]?.heldMs).toBe(8000);
		expect(state.shift.holdMs).toBe(8000);
		// Answered at 20 s, ended at 38 s, 8 s of it on hold.
		expect(state.shift.talkMs).toBe(10_000);
	});

	it.each<[string, From, Step, {callsHandled: number; callsMissed: number; talkMs: number}]>([
		['an answered inbound call is handled', 'talking', {type: 'call-ended', at: at(40), pbxCallId: inbound.pbxCallId, cause: 'agent-hangup'}, {callsHandled: 1, callsMissed: 0, talkMs: 20_000}],
		['an answered outbound call is handled', 'outbound talking', {type: 'call-ended', at: at(42), pbxCallId: outbound.pbxCallId, cause: 'customer-hangup'}, {callsHandled: 1, callsMissed: 0, talkMs: 30_000}],
		['a call the caller gave up while ringing is missed', 'ringing', {type: 'call-ended', at: at(15), pbxCallId: inbound.pbxCallId, cause: 'customer-hangup'}, {callsHandled: 0, callsMissed: 1, talkMs: 0}],
		['a ring timeout is missed', 'ringing', {type: 'call-ended', at: at(25), pbxCallId: inbound.pbxCallId, cause: 'no-answer'}, {callsHandled: 0, callsMissed: 1, talkMs: 0}],
		['an outbound call that was busy or invalid is not a missed call', 'dialing', {type: 'call-ended', at: at(25), pbxCallId: outbound.pbxCallId, cause: 'invalid-number'}, {callsHandled: 0, callsMissed: 0, talkMs: 0}],
	])('shift totals: %s', (_title, from, step, totals) => {
		expect(play(start(from), [step]).shift).toMatchObject(totals);
	});

	it('counts talk time without hold time over several calls', () => {
		const state = play(start('held'), [
			{type: 'call-resumed', at: at(35), pbxCallId: inbound.pbxCallId},
			{type: 'call-ended', at: at(45), pbxCallId: inbound.pbxCallId, cause: 'agent-hangup'},
			{...dialed, at: at(60), callId: '20261125090100001'},
			{type: 'call-answered', at: at(65), pbxCallId: outbound.pbxCallId},
			{type: 'call-ended', at: at(95), pbxCallId: outbound.pbxCallId, cause: 'customer-hangup'},
		]);
		expect(state.shift).toMatchObject({callsHandled: 2, callsMissed: 0, talkMs: 20_000 + 30_000, holdMs: 5000});
	});

	it(`keeps at most ${recentCallsLimit} recent calls, dropping the oldest`, () => {
		let state = start('ready');
		for (let index = 0; index < recentCallsLimit + 5; index += 1) {
			const pbxCallId = `sim-${index}`;
			state = play(state, [
				{...inbound, type: 'call-offered', at: at(100 + index * 10), pbxCallId, callId: `2026112509${String(index).padStart(4, '0')}001`},
				{type: 'call-ended', at: at(105 + index * 10), pbxCallId, cause: 'customer-hangup'},
			]);
		}
		expect(state.recentCalls).toHaveLength(recentCallsLimit);
		expect(state.recentCalls[0]?.callId).toBe('20261125090054001');
		expect(state.recentCalls.at(-1)?.callId).toBe('20261125090005001');
		expect(state.shift.callsMissed).toBe(recentCallsLimit + 5);
	});

	it(`bounds the recent calls given at start to ${recentCallsLimit}`, () => {
		const records = start('wrap-up').recentCalls;
		const many = Array.from({length: recentCallsLimit + 3}, (_, index) => ({...records[0]!, callId: String(index)}));
		const state = createInitialState('sim', t0, many);
		expect(state.recentCalls).toHaveLength(recentCallsLimit);
		expect(state.recentCalls[0]?.callId).toBe('0');
	});
});

describe('reduce: wrap-up', () => {
	it('is shown as wrap-up while the PBX has the agent paused for it', () => {
		const state = start('wrap-up');
		expect(state.agent).toMatchObject({state: 'wrap-up', presence: 'not-ready', reason: 'wrap-up'});
		expect(state.agent.wrapUp).toEqual({startedAt: at(40), until: at(70), returnTo: 'ready', returnReason: null});
	});

	it('adds its duration to the shift totals when it ends', () => {
		const state = play(start('wrap-up, PBX ready again'), [{type: 'wrap-up-ended', at: at(55)}]);
		expect(state.agent.wrapUp).toBeNull();
		expect(state.shift.wrapUpMs).toBe(15_000);
		const second = play(state, [
			offered,
			answered(inbound, 70),
			{type: 'call-ended', at: at(80), pbxCallId: inbound.pbxCallId, cause: 'customer-hangup'},
			{...wrapUpStarted, at: at(80)},
			{type: 'wrap-up-ended', at: at(90)},
		]);
		expect(second.shift.wrapUpMs).toBe(25_000);
	});

	it('keeps the wrap-up while an outbound call placed from it is up', () => {
		const state = play(start('wrap-up'), [dialed]);
		expect(state.agent.state).toBe('dialing');
		expect(state.agent.wrapUp).not.toBeNull();
	});
});

describe('reduce: ignored events return the same object', () => {
	it.each<[string, From, Step]>([
		['call-answered for another call', 'ringing', {type: 'call-answered', at: at(20), pbxCallId: 'other'}],
		['call-held for another call', 'talking', {type: 'call-held', at: at(30), pbxCallId: 'other'}],
		['call-resumed for another call', 'held', {type: 'call-resumed', at: at(35), pbxCallId: 'other'}],
		['consult-started for another call', 'held', {type: 'consult-started', at: at(31), pbxCallId: 'other', target: '802'}],
		['consult-answered for another call', 'consult', {type: 'consult-answered', at: at(35), pbxCallId: 'other'}],
		['consult-ended for another call', 'consult', {type: 'consult-ended', at: at(35), pbxCallId: 'other'}],
		['call-transferred for another call', 'talking', {type: 'call-transferred', at: at(36), pbxCallId: 'other', target: '802', mode: 'blind'}],
		['call-ended for another call', 'talking', {type: 'call-ended', at: at(40), pbxCallId: 'other', cause: 'customer-hangup'}],
		['call-ended with no call', 'ready', {type: 'call-ended', at: at(40), pbxCallId: inbound.pbxCallId, cause: 'customer-hangup'}],
		['a second offer while a call is up', 'talking', {...offered, at: at(25), pbxCallId: 'sim-9', callId: '20261125090025001'}],
		['an outbound call reported while ringing', 'ringing', {...dialed, at: at(12)}],
		['call-answered while already talking', 'talking', answered(inbound, 25)],
		['call-held while ringing', 'ringing', {type: 'call-held', at: at(12), pbxCallId: inbound.pbxCallId}],
		['call-held while already held', 'held', {type: 'call-held', at: at(32), pbxCallId: inbound.pbxCallId}],
		['call-resumed while talking', 'talking', {type: 'call-resumed', at: at(32), pbxCallId: inbound.pbxCallId}],
		['consult-answered with no consult', 'held', {type: 'consult-answered', at: at(35), pbxCallId: inbound.pbxCallId}],
		['consult-ended with no consult', 'held', {type: 'consult-ended', at: at(35), pbxCallId: inbound.pbxCallId}],
		['wrap-up-ended with no wrap-up', 'ready', {type: 'wrap-up-ended', at: at(45)}],
		['the same presence reported again', 'ready', {type: 'agent-state-changed', at: at(45), state: 'ready', reason: null}],
		['the same not-ready reason reported again', 'not-ready', {type: 'agent-state-changed', at: at(45), state: 'not-ready', reason: 'login'}],
		['the same connection status reported again', 'ready', {type: 'connection-changed', at: at(45), connected: true, message: null}],
		['logged-out reported while logged out', 'logged-out', {type: 'agent-state-changed', at: at(45), state: 'logged-out', reason: null}],
	])('%s', (_title, from, step) => {
		const before = start(from);
		expect(reduce(before, {...step, seq: before.seq + 1} as SessionEvent)).toBe(before);
	});

	it('keeps the call object when an event for another call arrives', () => {
		const before = start('talking');
		const after = play(before, [{type: 'queue-changed', at: at(25), entries: []}]);
		expect(after.call).toBe(before.call);
		expect(after.agent).toBe(before.agent);
	});
});

describe('reduce: time in state', () => {
	it.each<[string, From, Step, 'changes' | 'stays']>([
		['ready → not-ready', 'ready', {type: 'agent-state-changed', at: at(50), state: 'not-ready', reason: 'lunch'}, 'changes'],
		['a new not-ready reason', 'not-ready', {type: 'agent-state-changed', at: at(50), state: 'not-ready', reason: 'lunch'}, 'changes'],
		['ringing → talking', 'ringing', answered(inbound), 'changes'],
		['talking → held', 'talking', held, 'changes'],
		['the call ends', 'talking', {type: 'call-ended', at: at(40), pbxCallId: inbound.pbxCallId, cause: 'agent-hangup'}, 'changes'],
		['wrap-up ends', 'wrap-up, PBX ready again', {type: 'wrap-up-ended', at: at(51)}, 'changes'],
		['wrap-up starts', 'ready', wrapUpStarted, 'changes'],
		['the PBX pauses the agent for wrap-up', 'wrap-up started', {type: 'agent-state-changed', at: at(41), state: 'not-ready', reason: 'wrap-up'}, 'stays'],
		['the PBX reports ready during wrap-up', 'wrap-up', {type: 'agent-state-changed', at: at(50), state: 'ready', reason: null}, 'stays'],
		['a presence change during a call', 'talking', {type: 'agent-state-changed', at: at(25), state: 'not-ready', reason: 'supervisor'}, 'stays'],
		['a consult starts on a held call', 'held', {type: 'consult-started', at: at(31), pbxCallId: inbound.pbxCallId, target: '802'}, 'stays'],
		['the queue changes', 'ready', {type: 'queue-changed', at: at(50), entries: []}, 'stays'],
		['the PBX link drops', 'ready', {type: 'connection-changed', at: at(50), connected: false, message: 'gone'}, 'stays'],
		['the agent logs in (identity recorded)', 'not-ready', {type: 'agent-logged-in', at: at(50), identity, sid}, 'stays'],
	])('%s: since %s', (_title, from, step, expected) => {
		const before = start(from);
		const after = play(before, [step]);
		expect(after.agent.since).toBe(expected === 'changes' ? step.at : before.agent.since);
	});

	it('starts at the state creation time', () => {
		expect(createInitialState('sim', t0).agent.since).toBe(t0);
	});
});
