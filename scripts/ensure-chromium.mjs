// The browser end-to-end tests need Debian's chromium (playwright cannot download one here).
// Installs it when missing and we may (root + apt-get); otherwise says how and lets those tests skip.
import {execFileSync, spawnSync} from 'node:child_process';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], {stdio: 'ignore'}).status === 0;

if (has('chromium') || process.env.CTIDESK_SKIP_BROWSER_INSTALL) process.exit(0);
if (process.getuid?.() === 0 && has('apt-get')) {
	console.log('ensure-chromium: installing Debian chromium for the browser tests…');
	try {
		execFileSync('sh', ['-c', 'apt-get install -y chromium >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && apt-get install -y chromium >/dev/null 2>&1)'], {stdio: 'inherit'});
	} catch {
		console.warn('ensure-chromium: apt-get failed; the browser tests will be skipped.');
	}
} else {
	console.warn('ensure-chromium: chromium not found; install it (sudo apt-get install -y chromium) to run the browser tests.');
}
