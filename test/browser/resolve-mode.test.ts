import {describe, expect, it} from 'vitest';
import {defaultConfig} from '../../source/config/schema.js';
import {resolveBrowserMode, type BrowserSettingsInput} from '../../source/browser/resolve-mode.js';

const desktop = {env: {DISPLAY: ':0'}, platform: 'linux' as const};
const withChromium = {...desktop, findBrowser: (executable: string) => (executable === '' ? '/usr/bin/chromium' : executable === '/opt/edge' ? '/opt/edge' : null)};
const without = {...desktop, findBrowser: () => null};

function settings(change: (input: BrowserSettingsInput) => void = () => undefined): BrowserSettingsInput {
	const config = defaultConfig();
	const input = {browser: config.browser, pops: config.pops};
	change(input);
	return input;
}

describe('resolveBrowserMode', () => {
	it.each([
		['managed where a Chromium-family browser is found', settings(), withChromium, 'managed', 'managed: /usr/bin/chromium'],
		['system where none is found', settings(), without, 'system', 'system: managed needs Chromium, Chrome or Edge and none was found (set browser.executable)'],
		['the configured executable', settings((s) => (s.browser.executable = '/opt/edge')), withChromium, 'managed', 'managed: /opt/edge'],
		['system when the configured executable is missing', settings((s) => (s.browser.executable = '/nope')), withChromium, 'system', 'system: browser.executable /nope was not found'],
		['system over SSH (no display) unless headless', settings(), {...withChromium, env: {}}, 'system', 'system: no display for the managed browser (over SSH see browser.mode "remote")'],
		['managed headless without a display', settings((s) => (s.browser.headless = true)), {...withChromium, env: {}}, 'managed', 'managed: /usr/bin/chromium (headless)'],
		['system as asked', settings((s) => (s.browser.mode = 'system')), withChromium, 'system', 'system: the default browser'],
		['remote with a token', settings((s) => ((s.browser.mode = 'remote'), (s.browser.remote.token = 'abcdefghijklmnop'))), withChromium, 'remote', 'remote: ctidesk opener on 127.0.0.1:2226 (ssh -R 2226:127.0.0.1:2226)'],
		['remote without a token: links', settings((s) => (s.browser.mode = 'remote')), withChromium, 'remote', 'remote: no opener token set (browser.remote.token): pops show as links'],
	] as const)('picks %s', (_title, input, probe, mode, why) => {
		const plan = resolveBrowserMode(input, probe);
		expect(plan.mode).toBe(mode);
		expect(plan.why).toBe(why);
		expect(plan.notices).toEqual([]);
	});

	it('still reads pops.browserCommand, as browser.executable in system mode, and says where it moved', () => {
		const plan = resolveBrowserMode(settings((s) => (s.pops.browserCommand = 'firefox --new-window {url}')), withChromium);
		expect(plan).toMatchObject({mode: 'system', command: 'firefox --new-window {url}', linksOnly: false});
		expect(plan.notices).toEqual([
			'pops.browserCommand has moved to browser.executable (with browser.mode "system"); it is still read, but move it there.',
		]);
	});

	it('still reads pops.noBrowser (and --no-browser): visible pops become links in any mode', () => {
		const plan = resolveBrowserMode(settings((s) => (s.pops.noBrowser = true)), withChromium);
		expect(plan).toMatchObject({mode: 'system', linksOnly: true});
		expect(plan.notices).toEqual([
			'No browser opens (--no-browser or pops.noBrowser): every visible pop is an on-screen link. pops.noBrowser is still read; how pops open is now the "browser" section (over SSH: browser.mode "remote" with ctidesk opener).',
		]);
	});
});
