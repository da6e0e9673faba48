// `ctidesk opener --browser managed`: the agent's machine opens a pop in its own managed browser,
// as a window of the size the desk's config gives the pop. Real opener process, headless chromium.
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {chromiumMissing, findChromium} from '../helpers/chromium.js';
import {findFreePort} from '../e2e/free-port.js';
import {alive, browserPid} from './browser-pid.js';
import {startCookieCrm, type CookieCrm} from './cookie-crm.js';

const chromiumPath = findChromium();
const cli = join(process.cwd(), 'dist', 'cli.js');
const waitLong = {timeout: 15_000, interval: 50};

describe.skipIf(chromiumPath === null)(
	chromiumPath === null ? `ctidesk opener in managed mode (skipped: ${chromiumMissing})` : 'ctidesk opener in managed mode',
	() => {
		let home: string;
		let crm: CookieCrm;
		let opener: ChildProcess;
		let output = '';
		let port: number;

		beforeAll(async () => {
			home = mkdtempSync(join(tmpdir(), 'ctidesk-opener-managed-'));
			crm = await startCookieCrm();
			port = await findFreePort();
			opener = spawn(process.execPath, [cli, 'opener', '--port', String(port), '--browser', 'managed', '--executable', chromiumPath!, '--headless'], {
				env: {PATH: process.env['PATH'], HOME: home},
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			opener.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
			opener.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
			const deadline = Date.now() + 15_000;
			while (!/token: (\S+)/.test(output) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
		});

		afterAll(async () => {
			if (opener && opener.exitCode === null) opener.kill('SIGKILL');
			await crm?.close();
			if (home) rmSync(home, {recursive: true, force: true});
		});

		it('opens a pop as a window of the size it was sent, and closes its browser when it stops', async () => {
			expect(output).toContain(`opening pops in the managed browser (${chromiumPath})`);
			const token = /token: (\S+)/.exec(output)![1]!;
			const response = await fetch(`http://127.0.0.1:${port}/open`, {
				method: 'POST',
				headers: {'content-type': 'application/json', authorization: `Bearer ${token}`},
				body: JSON.stringify({url: `${crm.origin}/answer?callid=1`, window: {width: 800, height: 640, x: 10, y: 10}}),
			});
			expect(response.status).toBe(200);
			await expect.poll(() => crm.hits.find((hit) => hit.path === '/size')?.query.toString(), waitLong).toBe('w=800&h=640');

			const pid = browserPid(join(home, '.local', 'share', 'ctidesk', 'opener', 'browser-profile'))!;
			expect(alive(pid)).toBe(true);
			opener.kill('SIGTERM');
			await expect.poll(() => opener.exitCode, waitLong).toBe(0);
			await expect.poll(() => alive(pid), waitLong).toBe(false);
		});
	},
);
