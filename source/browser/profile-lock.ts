// Chromium marks a profile in use with SingletonLock, a symlink to "<hostname>-<pid>" (plus
// SingletonSocket and SingletonCookie). A second browser on a locked profile hands its URL to
// the first one and exits, so playwright's launch would fail. Before launching, ctidesk looks:
// - no lock: nothing to do;
// - the lock's process is gone (ctidesk or the machine crashed, kill -9): the lock is stale and
//   removed, so the profile (cookies, logins) is used again;
// - a live browser of an earlier ctidesk run still holds THIS profile (its command line names
//   the profile dir): playwright drives a browser over a pipe, which cannot be re-opened by a
//   new process, so that browser is asked to quit (SIGTERM, then SIGKILL) and started again —
//   the profile, and with it the CRM's cookies, is kept;
// - anything else holds it (another host over NFS, a process that is not our browser): left
//   alone, and the launch reports the profile as busy.
import {readFileSync, readlinkSync, rmSync} from 'node:fs';
import {hostname} from 'node:os';
import path from 'node:path';

export type LockState =
	| {state: 'free'}
	| {state: 'stale'; pid: number}
	| {state: 'ours'; pid: number}
	| {state: 'busy'; holder: string};

export interface LockProbe {
	readLink(file: string): string | null;
	isAlive(pid: number): boolean;
	/** The process's command line arguments, or null where it cannot be read. */
	commandLine(pid: number): string[] | null;
	hostname(): string;
}

const lockFiles = ['SingletonLock', 'SingletonSocket', 'SingletonCookie'];

export const systemLockProbe: LockProbe = {
	readLink(file) {
		try {
			return readlinkSync(file);
		} catch {
			return null;
		}
	},
	isAlive(pid) {
		try {
			process.kill(pid, 0);
			return true;
		} catch (error) {
			return (error as NodeJS.ErrnoException).code === 'EPERM';
		}
	},
	commandLine(pid) {
		try {
			return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
		} catch {
			return null;
		}
	},
	hostname,
};

/** What holds the profile's lock, if anything. */
export function inspectProfileLock(profileDir: string, probe: LockProbe = systemLockProbe): LockState {
	const target = probe.readLink(path.join(profileDir, 'SingletonLock'));
	if (target === null) return {state: 'free'};
	const dash = target.lastIndexOf('-');
	const host = target.slice(0, dash);
	const pid = Number(target.slice(dash + 1));
	if (dash <= 0 || !Number.isInteger(pid) || pid <= 0) return {state: 'stale', pid: 0};
	if (host !== probe.hostname()) return {state: 'busy', holder: target};
	if (!probe.isAlive(pid)) return {state: 'stale', pid};
	const argv = probe.commandLine(pid);
	const resolved = path.resolve(profileDir);
	const ours = argv?.some((argument) => argument === `--user-data-dir=${resolved}` || argument === `--user-data-dir=${profileDir}`);
	return ours ? {state: 'ours', pid} : {state: 'busy', holder: target};
}

/** Removes the lock files (only after inspectProfileLock said stale, or our old browser ended). */
export function removeProfileLock(profileDir: string): void {
	for (const name of lockFiles) rmSync(path.join(profileDir, name), {force: true});
}

/** Ends an earlier run's browser on this profile: SIGTERM, then SIGKILL after `graceMs`. */
export async function endLeftoverBrowser(pid: number, probe: LockProbe = systemLockProbe, graceMs = 3000): Promise<void> {
	const signal = (name: NodeJS.Signals) => {
		try {
			process.kill(pid, name);
		} catch {
			// already gone
		}
	};
	signal('SIGTERM');
	const deadline = Date.now() + graceMs;
	while (probe.isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
	if (probe.isAlive(pid)) signal('SIGKILL');
}

/** Makes the profile launchable; returns what was done (for the activity log), or throws when it is busy. */
export async function prepareProfile(profileDir: string, probe: LockProbe = systemLockProbe): Promise<string | null> {
	const lock = inspectProfileLock(profileDir, probe);
	switch (lock.state) {
		case 'free':
			return null;
		case 'stale':
			removeProfileLock(profileDir);
			return `removed a stale browser profile lock${lock.pid ? ` (process ${lock.pid} is gone)` : ''}`;
		case 'ours':
			await endLeftoverBrowser(lock.pid, probe);
			removeProfileLock(profileDir);
			return `ended the browser an earlier run left on the profile (process ${lock.pid})`;
		case 'busy':
			throw new Error(`the browser profile ${profileDir} is in use by ${lock.holder}`);
	}
}
