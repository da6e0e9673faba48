import {describe, expect, it} from 'vitest';
import type {Call, CallRecord} from '../../source/core/types.js';
import {buildHomeUrl, buildPopUrl, maskUrlSecrets, popCallId, popParameterNames} from '../../source/pops/pop-url.js';

const call: Call = {
	callId: '20091128101010001',
	pbxCallId: 'sim-1',
	origin: 1,
	number: '1234567890',
	callerId: '1234567890',
	calledId: '801',
	groupId: '1',
	agentId: '1',
	empId: '001',
	state: 'ringing',
	startedAt: 0,
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
};
const sid = '3B4D5C6D7E8F9A3B4D5C6D7E8F9';

/** The query pairs of a URL as [name, decoded value], in order (form decoding: '+' is a space). */
function pairs(url: string): Array<[string, string]> {
	return [...new URL(url).searchParams.entries()];
}

describe('buildPopUrl', () => {
	it('appends exactly the nine parameters of the original, in its order, with its example values', () => {
		expect(buildPopUrl('http://crm.example.com/ring.php', call, sid)).toBe(
			'http://crm.example.com/ring.php?origin=1&callid=20091128101010001&number=1234567890&callerid=1234567890&calledid=801&groupid=1&agentid=1&empid=001&sid=3B4D5C6D7E8F9A3B4D5C6D7E8F9',
		);
		expect(popParameterNames).toEqual(['origin', 'callid', 'number', 'callerid', 'calledid', 'groupid', 'agentid', 'empid', 'sid']);
	});

	it('marks an outbound call with origin=2', () => {
		expect(pairs(buildPopUrl('http://crm/p', {...call, origin: 2}, sid))[0]).toEqual(['origin', '2']);
	});

	it('keeps the configured query parameters as written and the fragment at the end', () => {
		const url = buildPopUrl('https://crm.example.com/pop?app=cc&lang=zh%2DCN&flag#/call/view', call, sid);
		expect(url.startsWith('https://crm.example.com/pop?app=cc&lang=zh%2DCN&flag&origin=1&callid=')).toBe(true);
		expect(url.endsWith('&sid=3B4D5C6D7E8F9A3B4D5C6D7E8F9#/call/view')).toBe(true);
		expect(new URL(url).hash).toBe('#/call/view');
	});

	it('handles a URL ending in "?" and one without a path', () => {
		expect(buildPopUrl('http://crm/p?', call, sid)).toMatch(/^http:\/\/crm\/p\?origin=1&callid=/);
		expect(buildPopUrl('http://crm.example.com', call, sid)).toMatch(/^http:\/\/crm\.example\.com\?origin=1&/);
	});

	it('replaces a parameter the template already has instead of sending it twice', () => {
		const url = buildPopUrl('http://crm/p?callid=OLD&keep=1&sid=stale&SID=other', call, sid);
		const names = pairs(url).map(([name]) => name);
		expect(names.filter((name) => name === 'callid')).toHaveLength(1);
		expect(names.filter((name) => name === 'sid')).toHaveLength(1);
		expect(names).toEqual(['keep', 'SID', ...popParameterNames]);
		expect(new URL(url).searchParams.get('callid')).toBe('20091128101010001');
	});

	it('also recognises an encoded name in the template (c%61llid is callid)', () => {
		const url = buildPopUrl('http://crm/p?c%61llid=OLD', call, sid);
		expect(pairs(url).filter(([name]) => name === 'callid')).toEqual([['callid', '20091128101010001']]);
	});

	it.each([
		['a space', 'John Smith', 'John%20Smith'],
		['an ampersand', 'A&B', 'A%26B'],
		['an equals sign', 'a=b', 'a%3Db'],
		['a hash', '#123', '%23123'],
		['a plus (international number)', '+8613800138000', '%2B8613800138000'],
		['unicode', '张三 ☎', '%E5%BC%A0%E4%B8%89%20%E2%98%8E'],
		['a percent sign', '100%', '100%25'],
		['a question mark and slash', 'a?b/c', 'a%3Fb%2Fc'],
	])('percent-encodes %s so the CRM reads the value back exactly', (_label, value, encoded) => {
		const url = buildPopUrl('http://crm/p?x=1#frag', {...call, number: value, callerId: value}, sid);
		expect(url).toContain(`&number=${encoded}&callerid=${encoded}&`);
		// Read back the way a CRM does (form decoding, where '+' would be a space).
		expect(new URL(url).searchParams.get('number')).toBe(value);
		expect(new URL(url).hash).toBe('#frag');
		expect(pairs(url).map(([name]) => name)).toEqual(['x', ...popParameterNames]);
	});

	it('gives ring, answer and hangup of one call the same callid', () => {
		const ring = buildPopUrl('http://crm/ring', call, sid);
		const ended: Call = {...call, state: 'ended', answeredAt: 5};
		const hangup = buildPopUrl('http://crm/hangup?x=1', ended, sid);
		expect(popCallId(ring)).toBe('20091128101010001');
		expect(popCallId(hangup)).toBe(popCallId(ring));
	});

	it('gives the wrapup pop the nine parameters, then disposition and note, from a finished call record', () => {
		const record: CallRecord = {
			...call,
			endedAt: 9,
			heldMs: 0,
			endCause: 'agent-hangup',
			transferTarget: null,
			transferMode: null,
			disposition: 'resolved',
			note: 'refund & call back +1',
		};
		const url = buildPopUrl('http://crm/wrapup?disposition=old', record, sid, {disposition: 'call back', note: 'refund & call back +1'});
		expect(pairs(url).map(([name]) => name)).toEqual([...popParameterNames, 'disposition', 'note']);
		const read = new URL(url).searchParams;
		expect(read.get('callid')).toBe('20091128101010001');
		expect(read.get('disposition')).toBe('call back');
		expect(read.get('note')).toBe('refund & call back +1');
		expect(buildPopUrl('http://crm/w', record, sid, {disposition: 'x', note: null})).toMatch(/&disposition=x&note=$/);
	});

	it('sends an empty sid rather than dropping the parameter when there is no session', () => {
		expect(buildPopUrl('http://crm/p', call, null)).toMatch(/&sid=$/);
	});
});

describe('buildHomeUrl', () => {
	const agent = {user: '101', empId: '001', agentId: '1', sid};

	it('is the configured URL, untouched, before login', () => {
		expect(buildHomeUrl('http://crm.example.com/main?tab=1#top', null, {loginParams: 'sid', token: null})).toBe(
			'http://crm.example.com/main?tab=1#top',
		);
	});

	it('gets user (the employee id, as the original: user=001&sid=…) and sid after login', () => {
		expect(buildHomeUrl('http://crm.example.com/main?tab=1#top', agent, {loginParams: 'sid', token: 'TOKEN'})).toBe(
			`http://crm.example.com/main?tab=1&user=001&sid=${sid}#top`,
		);
	});

	it('gets the legacy agentid, user, password form with the token, never the password', () => {
		const url = buildHomeUrl('http://crm/main', agent, {loginParams: 'legacy', token: '0123456789ABCDEF0123456789ABCDEF'});
		expect(url).toBe('http://crm/main?agentid=1&user=101&password=0123456789ABCDEF0123456789ABCDEF');
	});

	it('replaces a user parameter the home URL already has', () => {
		const url = buildHomeUrl('http://crm/main?user=guest', agent, {loginParams: 'sid', token: null});
		expect(pairs(url)).toEqual([
			['user', '001'],
			['sid', sid],
		]);
	});
});

describe('maskUrlSecrets', () => {
	it('masks sid and password values and nothing else', () => {
		expect(maskUrlSecrets(`http://crm/p?number=1&sid=${sid}#f`)).toBe('http://crm/p?number=1&sid=***#f');
		expect(maskUrlSecrets('http://crm/main?agentid=1&user=101&password=SECRET')).toBe(
			'http://crm/main?agentid=1&user=101&password=***',
		);
		expect(maskUrlSecrets('http://crm/main')).toBe('http://crm/main');
	});
});
