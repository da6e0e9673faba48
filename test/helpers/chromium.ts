// Debian's chromium, driven by playwright-core, for the browser end-to-end tests. Playwright
// cannot download a browser here, so the tests use the system's (scripts/ensure-chromium.mjs
// installs it for `npm test`) and skip, saying why, where there is none.
import {spawnSync} from 'node:child_process';
import {chromium, type Browser} from 'playwright-core';

/** Why the browser tests skip when findChromium() finds nothing. */
export const chromiumMissing =
	'chromium is not installed: run `node scripts/ensure-chromium.mjs` (or `sudo apt-get install -y chromium`) to run the browser tests';

/** The chromium executable on PATH, or null. */
export function findChromium(): string | null {
	const found = spawnSync('sh', ['-c', 'command -v chromium'], {encoding: 'utf8'});
	const path = found.status === 0 ? found.stdout.trim() : '';
	return path === '' ? null : path;
}

export interface LaunchChromiumOptions {
	/** Host names the browser resolves to 127.0.0.1 (sites of their own that live on this machine). */
	loopbackHosts?: readonly string[];
}

/**
 * A headless chromium with a fresh profile (playwright's launch() makes a temporary user-data
 * dir and deletes it on close) and nothing running in the background.
 */
export function launchChromium(
	executablePath: string,
	{loopbackHosts = []}: LaunchChromiumOptions = {},
): Promise<Browser> {
	const args = [
		'--headless',
		'--no-sandbox',
		'--disable-gpu',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--no-first-run',
	];
	if (loopbackHosts.length > 0) {
		args.push(
			`--host-resolver-rules=${loopbackHosts.map((host) => `MAP ${host} 127.0.0.1`).join(', ')}`,
		);
	}
	return chromium.launch({executablePath, args});
}
