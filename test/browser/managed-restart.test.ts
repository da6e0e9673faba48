// ctidesk killed with SIGKILL while it drives the managed browser, then started again: the
// browser profile (and the CRM's persistent cookie in it) is used again, and no browser is
// left behind holding it. The real command (dist/cli.js --headless) in a child process.
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {resolvePaths} from '../../source/config/paths.js';
import {chromiumMissing, findChromium} from '../helpers/chromium.js';
import {findFreePort} from '../e2e/free-port.js';
import {startCookieCrm, type CookieCrm} from './cookie-crm.js';
import {alive, browserPid} from './browser-pid.js';

const chromiumPath = findChromium();
const cli = join(process.cwd(), 'dist', 'cli.js');
const waitLong = {timeout: 20_000, interval: 100};

describe.skipIf(chromiumPath === null)(
	chromiumPath === null ? `the managed browser after kill -9 (skipped: ${chromiumMissing})` : 'the managed browser after kill -9',
	() => {
		let dir: string;
		let crm: CookieCrm;
		let env: NodeJS.ProcessEnv;
		const children: ChildProcess[] = [];

		beforeAll(async () => {
			dir = mkdtempSync(join(tmpdir(), 'ctidesk-restart-'));
			crm = await startCookieCrm();
			env = {...process.env, CTIDESK_CONFIG_DIR: join(dir, 'config'), CTIDESK_DATA_DIR: join(dir, 'data')};
			delete env['DISPLAY'];
			mkdirSync(join(dir, 'config'), {recursive: true});
			const config = {
				pbx: {driver: 'sim', sim: {arrivalsPerMinute: 0, otherAgents: 0}},
				server: {port: await findFreePort()},
				browser: {mode: 'managed', executable: chromiumPath, headless: true},
				pops: {home: {url: `${crm.origin}/home`, mode: 'browser'}},
			};
			writeFileSync(join(dir, 'config', 'config.json'), JSON.stringify(config));
		});

		afterEach(() => {
			for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
		});

		afterAll(async () => {
			await crm?.close();
			if (dir) rmSync(dir, {recursive: true, force: true});
		});

		function startDesk(): ChildProcess {
			const child = spawn(process.execPath, [cli, '--headless'], {env, stdio: ['ignore', 'ignore', 'ignore']});
			children.push(child);
			return child;
		}

		it('reuses the profile after ctidesk was killed with SIGKILL, and leaves no browser behind', async () => {
			const profile = resolvePaths({env}).browserProfileDir;
			const first = startDesk();
			await expect.poll(() => crm.hits.filter((hit) => hit.path === '/home').length, waitLong).toBe(1);
			expect(crm.hits[0]!.cookies['profile_mark']).toBeUndefined();
			const pid = browserPid(profile)!;
			expect(alive(pid)).toBe(true);

			first.kill('SIGKILL');
			// Its browser loses the DevTools pipe and quits on its own.
			await expect.poll(() => alive(pid), waitLong).toBe(false);

			const second = startDesk();
			await expect.poll(() => crm.hits.filter((hit) => hit.path === '/home').length, waitLong).toBe(2);
			// The same profile: the CRM's cookie from the first run comes back.
			expect(crm.hits.filter((hit) => hit.path === '/home')[1]!.cookies['profile_mark']).toBe('kept');
			const secondPid = browserPid(profile)!;
			expect(secondPid).not.toBe(pid);

			second.kill('SIGTERM');
			await expect.poll(() => second.exitCode !== null || second.signalCode !== null, waitLong).toBe(true);
			await expect.poll(() => alive(secondPid), waitLong).toBe(false);
		}, 60_000);
	},
);
