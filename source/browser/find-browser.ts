// Finds a Chromium-family browser (Chromium, Chrome, Edge) for the managed mode: the configured
// `browser.executable` when it is set, else the usual names on PATH and the usual install paths.
// Only these can be driven over the DevTools protocol by playwright-core's chromium.
import {accessSync, constants, statSync} from 'node:fs';
import path from 'node:path';

/** Names on PATH, in order of preference (Chromium first: it is what Debian ships and tests use). */
const pathNames = [
	'chromium',
	'chromium-browser',
	'google-chrome',
	'google-chrome-stable',
	'chrome',
	'microsoft-edge',
	'microsoft-edge-stable',
	'msedge',
];

function installPaths(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
	if (platform === 'darwin') {
		return [
			'/Applications/Chromium.app/Contents/MacOS/Chromium',
			'/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
			'/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
		];
	}
	if (platform === 'win32') {
		const roots = [env['PROGRAMFILES'], env['PROGRAMFILES(X86)'], env['LOCALAPPDATA']].filter(
			(root): root is string => Boolean(root),
		);
		return roots.flatMap((root) => [
			path.win32.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'),
			path.win32.join(root, 'Microsoft', 'Edge', 'Application', 'msedge.exe'),
			path.win32.join(root, 'Chromium', 'Application', 'chrome.exe'),
		]);
	}
	return [];
}

export interface FindBrowserOptions {
	/** browser.executable: '' = look for one. A name without a slash is looked up on PATH. */
	executable: string;
	env?: NodeJS.ProcessEnv;
	platform?: NodeJS.Platform;
	/** Whether a file can be run (tests replace it). */
	isExecutable?: (file: string) => boolean;
}

function runnable(file: string): boolean {
	try {
		if (!statSync(file).isFile()) return false;
		accessSync(file, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

function onPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform, isExecutable: (file: string) => boolean) {
	const pathApi = platform === 'win32' ? path.win32 : path.posix;
	const dirs = (env['PATH'] ?? env['Path'] ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
	const names = platform === 'win32' && !name.toLowerCase().endsWith('.exe') ? [`${name}.exe`, name] : [name];
	for (const dir of dirs) {
		for (const candidate of names) {
			const file = pathApi.join(dir, candidate);
			if (isExecutable(file)) return file;
		}
	}
	return null;
}

/** The browser to drive, or null when none is found (or the configured one does not exist). */
export function findChromiumFamily({
	executable,
	env = process.env,
	platform = process.platform,
	isExecutable = runnable,
}: FindBrowserOptions): string | null {
	if (executable !== '') {
		const hasSlash = executable.includes('/') || (platform === 'win32' && executable.includes('\\'));
		if (hasSlash) return isExecutable(executable) ? executable : null;
		return onPath(executable, env, platform, isExecutable);
	}
	for (const name of pathNames) {
		const found = onPath(name, env, platform, isExecutable);
		if (found) return found;
	}
	return installPaths(platform, env).find((file) => isExecutable(file)) ?? null;
}
