import {describe, expect, it} from 'vitest';
import {findChromiumFamily} from '../../source/browser/find-browser.js';

const files = (...present: string[]) => (file: string) => present.includes(file);

describe('findChromiumFamily', () => {
	it('prefers chromium on PATH, then Chrome, then Edge', () => {
		const env = {PATH: '/usr/local/bin:/usr/bin'};
		expect(findChromiumFamily({executable: '', env, platform: 'linux', isExecutable: files('/usr/bin/google-chrome', '/usr/bin/chromium')})).toBe('/usr/bin/chromium');
		expect(findChromiumFamily({executable: '', env, platform: 'linux', isExecutable: files('/usr/bin/microsoft-edge', '/usr/local/bin/google-chrome')})).toBe('/usr/local/bin/google-chrome');
		expect(findChromiumFamily({executable: '', env, platform: 'linux', isExecutable: files('/usr/bin/microsoft-edge')})).toBe('/usr/bin/microsoft-edge');
	});

	it('finds the macOS applications', () => {
		expect(findChromiumFamily({executable: '', env: {PATH: '/usr/bin'}, platform: 'darwin', isExecutable: files('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome')})).toBe(
			'/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
		);
	});

	it('takes the configured executable, a path or a name on PATH, and nothing else', () => {
		const env = {PATH: '/usr/bin'};
		expect(findChromiumFamily({executable: '/opt/chrome/chrome', env, platform: 'linux', isExecutable: files('/opt/chrome/chrome', '/usr/bin/chromium')})).toBe('/opt/chrome/chrome');
		expect(findChromiumFamily({executable: 'brave-browser', env, platform: 'linux', isExecutable: files('/usr/bin/brave-browser')})).toBe('/usr/bin/brave-browser');
		expect(findChromiumFamily({executable: '/opt/missing', env, platform: 'linux', isExecutable: files('/usr/bin/chromium')})).toBeNull();
	});

	it('finds none where there is none', () => {
		expect(findChromiumFamily({executable: '', env: {PATH: '/usr/bin'}, platform: 'linux', isExecutable: () => false})).toBeNull();
	});
});
