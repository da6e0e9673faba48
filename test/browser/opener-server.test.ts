import {describe, expect, it} from 'vitest';
import {isLoopbackHost, isOpenableUrl, tokenMatches} from '../../source/browser/opener/opener-server.js';

describe('the opener guard', () => {
	it.each([
		['127.0.0.1:2226', true],
		['localhost:3000', true],
		['[::1]:2226', true],
		['127.0.0.1', true],
		['evil.example:2226', false],
		['127.0.0.1.evil.example:2226', false],
		['', false],
	])('Host %j is loopback: %s', (host, expected) => {
		expect(isLoopbackHost(host)).toBe(expected);
	});

	it.each([
		['https://crm.example.com/ring?callid=1', true],
		['http://10.0.0.5:8080/pop', true],
		['file:///etc/passwd', false],
		['javascript:alert(1)', false],
		['data:text/html,<script>1</script>', false],
		['https://crm.example.com/\r\nx', false],
		['relative/path', false],
		[`https://crm.example.com/${'a'.repeat(5000)}`, false],
		[42, false],
	])('opens %j: %s', (url, expected) => {
		expect(isOpenableUrl(url)).toBe(expected);
	});

	it('compares tokens whole, and never accepts an empty expected token', () => {
		expect(tokenMatches('abcdefghijklmnop', 'abcdefghijklmnop')).toBe(true);
		expect(tokenMatches('abcdefghijklmnop', 'abcdefghijklmno')).toBe(false);
		expect(tokenMatches('abcdefghijklmnop', 'abcdefghijklmnopq')).toBe(false);
		expect(tokenMatches('', '')).toBe(false);
	});
});
