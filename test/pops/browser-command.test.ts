import {describe, expect, it} from 'vitest';
import {browserCommandArgv, browserEnvCommands, splitCommand} from '../../source/pops/browser-command.js';

const url = 'http://crm/p?a=1&b=$(touch /tmp/pwned)&c=`id`;rm -rf ~ #x';

describe('splitCommand', () => {
	it.each([
		['chromium --app={url} --window-size=800,600', ['chromium', '--app={url}', '--window-size=800,600']],
		["'/Applications/Google Chrome.app/x' {url}", ['/Applications/Google Chrome.app/x', '{url}']],
		['"C:\\Program Files\\b.exe" --new-window {url}', ['C:\\Program Files\\b.exe', '--new-window', '{url}']],
		['a\\ b  \t c', ['a b', 'c']],
		['say "a \\"quoted\\" word"', ['say', 'a "quoted" word']],
		['x""y', ['xy']],
		['empty ""', ['empty', '']],
	])('splits %j into words without any shell expansion', (template, words) => {
		expect(splitCommand(template)).toEqual(words);
	});

	it('refuses an unterminated quote', () => {
		expect(() => splitCommand('chromium "--app={url}')).toThrow(/unterminated/);
	});
});

describe('browserCommandArgv', () => {
	it('puts the URL into one argv element, hostile characters and all', () => {
		expect(browserCommandArgv('chromium --app={url} --window-size=800,600', url)).toEqual([
			'chromium',
			`--app=${url}`,
			'--window-size=800,600',
		]);
	});

	it('appends the URL when the template has no {url}', () => {
		expect(browserCommandArgv('firefox --new-window', url)).toEqual(['firefox', '--new-window', url]);
	});

	it('does not read $& in a URL as a replacement pattern', () => {
		expect(browserCommandArgv('b {url}', 'http://x/?a=$&b=$1')).toEqual(['b', 'http://x/?a=$&b=$1']);
	});
});

describe('browserEnvCommands ($BROWSER)', () => {
	it('is empty when unset or blank', () => {
		expect(browserEnvCommands(undefined, url)).toEqual([]);
		expect(browserEnvCommands(' : ', url)).toEqual([]);
	});

	it('tries a colon-separated list in order, %s being the URL and %% a percent sign', () => {
		expect(browserEnvCommands('w3m:firefox --new-tab %s:echo 100%% %s', 'http://u')).toEqual([
			['w3m', 'http://u'],
			['firefox', '--new-tab', 'http://u'],
			['echo', '100%', 'http://u'],
		]);
	});

	it('keeps a helper script path (the VS Code remote SSH case) and the URL as one element', () => {
		expect(browserEnvCommands('/home/a/.vscode-server/bin/x/helpers/browser.sh', url)).toEqual([
			['/home/a/.vscode-server/bin/x/helpers/browser.sh', url],
		]);
	});
});
