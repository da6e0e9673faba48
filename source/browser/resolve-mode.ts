// Which browser mode is active, and why (the status panel shows both). Pure: the machine is
// described by `probe`. The two settings that predate the "browser" section are still read and
// folded in here, each with a notice saying where it moved:
// - pops.browserCommand → browser.executable with browser.mode "system" (when executable is '');
// - pops.noBrowser (also what --no-browser sets) → nothing opens: visible pops show as links.
import type {BrowserConfig, BrowserMode} from '../config/schema.js';
import {lacksDisplay} from '../pops/launcher.js';

export interface BrowserPlan {
	mode: BrowserMode;
	/** managed: the browser binary to drive. */
	executable: string | null;
	/** system: a command template ('' = the default browser). */
	command: string;
	/** Visible pops show as on-screen links only (--no-browser, or remote without an opener). */
	linksOnly: boolean;
	/** One line for the status panel: the mode and why it is the one in use. */
	why: string;
	/** Settings that moved, to tell the agent once. */
	notices: string[];
}

export interface BrowserSettingsInput {
	browser: BrowserConfig;
	pops: {browserCommand: string; noBrowser: boolean};
}

export interface BrowserProbe {
	/** findChromiumFamily bound to the machine: the binary for `executable`, or null. */
	findBrowser(executable: string): string | null;
	env: NodeJS.ProcessEnv;
	platform: NodeJS.Platform;
}

export function resolveBrowserMode(settings: BrowserSettingsInput, probe: BrowserProbe): BrowserPlan {
	const {browser, pops} = settings;
	const notices: string[] = [];
	const legacyCommand = pops.browserCommand !== '' && browser.executable === '';
	if (legacyCommand) {
		notices.push(
			'pops.browserCommand has moved to browser.executable (with browser.mode "system"); it is still read, but move it there.',
		);
	}
	const plan = (mode: BrowserMode, why: string, extra: Partial<BrowserPlan> = {}): BrowserPlan => ({
		mode,
		executable: null,
		command: '',
		linksOnly: false,
		why,
		notices,
		...extra,
	});

	if (pops.noBrowser) {
		notices.push(
			'No browser opens (--no-browser or pops.noBrowser): every visible pop is an on-screen link. pops.noBrowser is still read; how pops open is now the "browser" section (over SSH: browser.mode "remote" with ctidesk opener).',
		);
		return plan('system', 'no browser (--no-browser or pops.noBrowser): pops show as links', {linksOnly: true});
	}
	if (legacyCommand) {
		return plan('system', `system: ${pops.browserCommand} (from pops.browserCommand)`, {command: pops.browserCommand});
	}
	switch (browser.mode) {
		case 'remote':
			return browser.remote.token === ''
				? plan('remote', 'remote: no opener token set (browser.remote.token): pops show as links', {linksOnly: true})
				: plan('remote', `remote: ctidesk opener on 127.0.0.1:${browser.remote.port} (ssh -R ${browser.remote.port}:127.0.0.1:${browser.remote.port})`);
		case 'system':
			return plan('system', browser.executable === '' ? 'system: the default browser' : `system: ${browser.executable}`, {
				command: browser.executable,
			});
		case 'managed': {
			const found = probe.findBrowser(browser.executable);
			if (!found) {
				const why =
					browser.executable === ''
						? 'system: managed needs Chromium, Chrome or Edge and none was found (set browser.executable)'
						: `system: browser.executable ${browser.executable} was not found`;
				return plan('system', why);
			}
			if (!browser.headless && lacksDisplay(probe.env, probe.platform)) {
				return plan('system', 'system: no display for the managed browser (over SSH see browser.mode "remote")');
			}
			return plan('managed', `managed: ${found}${browser.headless ? ' (headless)' : ''}`, {executable: found});
		}
	}
}
