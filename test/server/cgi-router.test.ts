import {describe, expect, it} from 'vitest';
import type {Exchange} from '../../source/server/exchange.js';
import {createCgiRouter, routeKey, type Handler} from '../../source/server/cgi-router.js';

function routed() {
	const calls: string[] = [];
	const handler = (name: string): Handler => (exchange) => {
		calls.push(`${name} ${exchange.req.method}`);
	};
	const router = createCgiRouter('/cgi-bin').get('/call.cgi', handler('call')).post('/call.cgi', handler('call')).get('/status.cgi', handler('status'));
	const run = async (method: string, path: string) => {
		calls.length = 0;
		const found = router.find(path, method);
		if (!found) return 'next';
		await found({req: {method}, path} as unknown as Exchange);
		return calls.join();
	};
	return run;
}

describe('createCgiRouter', () => {
	it('routes by exact path and method, as @koa/router did: any ASCII case, one optional trailing slash', async () => {
		const run = routed();
		expect(await run('GET', '/cgi-bin/call.cgi')).toBe('call GET');
		expect(await run('POST', '/cgi-bin/call.cgi')).toBe('call POST');
		expect(await run('GET', '/CGI-BIN/Call.CGI')).toBe('call GET');
		expect(await run('GET', '/cgi-bin/call.cgi/')).toBe('call GET');
		expect(await run('GET', '/cgi-bin/status.cgi')).toBe('status GET');
	});

	it('falls through for anything else: other methods, extra slashes, escapes, look-alike characters', async () => {
		const run = routed();
		for (const path of [
			'/cgi-bin/call.cgi//',
			'//cgi-bin/call.cgi',
			'/cgi-bin//call.cgi',
			'/cgi-bin/c%61ll.cgi',
			'/cgi-bin/call%2Ecgi',
			'/cgi-bin/call.cgi;x',
			'/cgi-bin/./call.cgi',
			'/cgi-bin/call.cgi/x',
			'/cgi-bin/',
			'/cgi-bin',
			'/',
			'',
			// The Kelvin sign lower-cases to "k"; a regular expression's /i never matched it.
			'/cgi-bin/\u212Aall.cgi',
			'/cgi-bin/call.cgi\u0000',
		]) {
			expect(await run('GET', path), path).toBe('next');
		}
		expect(await run('POST', '/cgi-bin/status.cgi')).toBe('next');
		expect(await run('PUT', '/cgi-bin/call.cgi')).toBe('next');
		expect(await run('HEAD', '/cgi-bin/call.cgi')).toBe('next');
	});

	it('refuses a route registered twice or not written in its matching form', () => {
		const router = createCgiRouter('/cgi-bin');
		const noop: Handler = () => undefined;
		router.get('/call.cgi', noop);
		expect(() => router.get('/call.cgi', noop)).toThrow(/twice/);
		expect(() => router.get('/Call.cgi', noop)).toThrow(/lower-case/);
		expect(() => router.get('/call.cgi/', noop)).toThrow(/trailing slash/);
	});

	it('keys paths without decoding them', () => {
		expect(routeKey('/CGI-BIN/CALL.CGI/')).toBe('/cgi-bin/call.cgi');
		expect(routeKey('/cgi-bin/c%61ll.cgi')).toBe('/cgi-bin/c%61ll.cgi');
		expect(routeKey('/cgi-bin/caf\u00e9.cgi')).toBeNull();
	});
});
