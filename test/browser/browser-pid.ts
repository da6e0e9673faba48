// The pid of the browser holding a profile: Chromium's SingletonLock is a symlink to "<host>-<pid>".
import {readlinkSync} from 'node:fs';
import {join} from 'node:path';

export function browserPid(profileDir: string): number | null {
	try {
		return Number(readlinkSync(join(profileDir, 'SingletonLock')).split('-').pop());
	} catch {
		return null;
	}
}

/** Whether a process still runs. */
export function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}
