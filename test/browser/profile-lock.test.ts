import {existsSync, lstatSync, mkdtempSync, rmSync, symlinkSync} from 'node:fs';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {inspectProfileLock, prepareProfile, type LockProbe} from '../../source/browser/profile-lock.js';

const dirs: string[] = [];
function profile(): string {
	const dir = mkdtempSync(join(tmpdir(), 'ctidesk-profile-'));
	dirs.push(dir);
	return dir;
}
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

function probe(change: Partial<LockProbe>): LockProbe {
	return {readLink: () => null, isAlive: () => false, commandLine: () => null, hostname: () => 'desk', ...change};
}

describe('the browser profile lock', () => {
	it('removes a stale SingletonLock left by a browser that is gone (crash, kill -9)', async () => {
		const dir = profile();
		// A pid far above Linux's pid_max default is never alive.
		symlinkSync(`${hostname()}-4194999`, join(dir, 'SingletonLock'));
		symlinkSync('/tmp/nowhere/SingletonSocket', join(dir, 'SingletonSocket'));
		expect(inspectProfileLock(dir)).toEqual({state: 'stale', pid: 4194999});
		expect(await prepareProfile(dir)).toBe('removed a stale browser profile lock (process 4194999 is gone)');
		expect(() => lstatSync(join(dir, 'SingletonLock'))).toThrow();
		expect(existsSync(join(dir, 'SingletonSocket'))).toBe(false);
	});

	it('is free without a lock', () => {
		expect(inspectProfileLock(profile())).toEqual({state: 'free'});
	});

	it('knows its own earlier browser by the profile on its command line', () => {
		const dir = '/data/browser-profile';
		const lock = probe({readLink: () => 'desk-42', isAlive: () => true, commandLine: () => ['/usr/lib/chromium/chromium', `--user-data-dir=${dir}`]});
		expect(inspectProfileLock(dir, lock)).toEqual({state: 'ours', pid: 42});
	});

	it('leaves a live process that is not its browser alone, and says the profile is busy', async () => {
		const lock = probe({readLink: () => 'desk-42', isAlive: () => true, commandLine: () => ['/usr/bin/vim']});
		expect(inspectProfileLock('/p', lock)).toEqual({state: 'busy', holder: 'desk-42'});
		await expect(prepareProfile('/p', lock)).rejects.toThrow('the browser profile /p is in use by desk-42');
	});

	it('leaves a lock of another host alone (a profile on a shared disk)', () => {
		expect(inspectProfileLock('/p', probe({readLink: () => 'other-host-42'}))).toEqual({state: 'busy', holder: 'other-host-42'});
	});
});
