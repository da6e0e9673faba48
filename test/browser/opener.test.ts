// Remote mode over loopback, as over `ssh -R 2226:127.0.0.1:2226`: the real `ctidesk opener`
// (dist/cli.js, its own HOME) and a real desk (the app with the simulator, another HOME). The
// opener runs in system mode with $BROWSER set to a script that records each URL: the opener's
// launcher is the only thing outside the product.
import {spawn, type ChildProcess} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createApp, type App} from '../../source/app.js';
import {resolvePaths} from '../../source/config/paths.js';
import {validateConfig} from '../../source/config/schema.js';
import {createLogger} from '../../source/logger.js';
import {popParameterNames} from '../../source/pops/pop-url.js';
import {findFreePort} from '../e2e/free-port.js';

const cli = join(process.cwd(), 'dist', 'cli.js');
const waitLong = {timeout: 15_000, interval: 50};

/** An environment whose only home is `home` (no XDG or ctidesk overrides from the runner). */
function homeEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {PATH: process.env['PATH'], HOME: home, ...extra};
	return env;
}

describe('ctidesk opener and a desk in remote mode', () => {
	let root: string;
	let opener: ChildProcess;
	let openerOutput = '';
	let openerPort: number;
	let token: string;
	let openedFile: string;
	let app: App;

	async function startDesk(remote: {port: number; token: string}): Promise<App> {
		const home = join(root, `desk-home-${remote.port}`);
		const validated = validateConfig({
			pbx: {driver: 'sim', sim: {arrivalsPerMinute: 0, otherAgents: 0, ringSeconds: 600}},
			server: {port: await findFreePort()},
			browser: {mode: 'remote', remote},
			pops: {
				home: {url: '', mode: 'off'},
				ring: {url: 'https://crm.example.com/ring?src=desk', mode: 'browser'},
				answer: {url: '', mode: 'off'},
				hangup: {url: '', mode: 'off'},
			},
		});
		if (!validated.ok) throw new Error(validated.message);
		const paths = resolvePaths({env: homeEnv(home, {CTIDESK_CONFIG_DIR: join(home, 'config'), CTIDESK_DATA_DIR: join(home, 'data')})});
		const desk = createApp({config: validated.config, paths, logger: createLogger({file: paths.logFile, level: 'info'}), env: {}});
		await desk.start();
		return desk;
	}

	async function ring(desk: App): Promise<string> {
		expect(await desk.store.run({type: 'login', user: '101', password: '101'})).toEqual({ok: true});
		expect(await desk.store.run({type: 'ready'})).toEqual({ok: true});
		expect(await desk.store.run({type: 'inject-call'})).toEqual({ok: true});
		await expect.poll(() => desk.store.getSnapshot().call?.callId ?? null, waitLong).not.toBeNull();
		return desk.store.getSnapshot().call!.callId;
	}

	const opened = () => (existsSync(openedFile) ? readFileSync(openedFile, 'utf8').split('\n').filter(Boolean) : []);

	function post(body: unknown, headers: Record<string, string> = {}) {
		return fetch(`http://127.0.0.1:${openerPort}/open`, {
			method: 'POST',
			headers: {'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers},
			body: JSON.stringify(body),
		});
	}

	beforeAll(async () => {
		root = mkdtempSync(join(tmpdir(), 'ctidesk-opener-'));
		const openerHome = join(root, 'agent-laptop');
		mkdirSync(openerHome);
		openedFile = join(root, 'opened.txt');
		const recorder = join(root, 'record-url');
		writeFileSync(recorder, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${openedFile}'\n`);
		chmodSync(recorder, 0o755);
		openerPort = await findFreePort();
		opener = spawn(process.execPath, [cli, 'opener', '--port', String(openerPort), '--browser', 'system'], {
			env: homeEnv(openerHome, {BROWSER: recorder}),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		opener.stdout!.on('data', (chunk: Buffer) => (openerOutput += chunk.toString('utf8')));
		opener.stderr!.on('data', (chunk: Buffer) => (openerOutput += chunk.toString('utf8')));
		const deadline = Date.now() + 15_000;
		while (!/token: (\S+)/.test(openerOutput) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
		token = /token: (\S+)/.exec(openerOutput)![1]!;
		// The token is kept in the opener's own data dir, under its HOME.
		const kept = readFileSync(join(openerHome, '.local', 'share', 'ctidesk', 'opener', 'token'), 'utf8').trim();
		expect(kept).toBe(token);
		expect(openerOutput).toContain(`ssh -R ${openerPort}:127.0.0.1:${openerPort}`);
		app = await startDesk({port: openerPort, token});
	});

	afterAll(async () => {
		await app?.stop();
		opener?.kill('SIGTERM');
		if (root) rmSync(root, {recursive: true, force: true});
	});

	it('opens a ring pop on the agent\'s machine with all nine parameters', async () => {
		const callId = await ring(app);
		await expect.poll(() => opened().length, waitLong).toBe(1);
		const url = new URL(opened()[0]!);
		expect(`${url.origin}${url.pathname}`).toBe('https://crm.example.com/ring');
		expect([...url.searchParams.keys()]).toEqual(['src', ...popParameterNames]);
		expect(url.searchParams.get('callid')).toBe(callId);
		expect(url.searchParams.get('sid')).toBe(app.store.getSnapshot().agent.sid);
		expect(app.pops.getSnapshot().recent.find((record) => record.kind === 'ring')?.outcome).toBe('opened');
		expect(app.pops.getSnapshot().browser).toMatchObject({mode: 'remote'});
	});

	it('refuses a wrong token, a file: URL, a web page and a foreign Host, opening nothing', async () => {
		const before = opened().length;
		expect((await post({url: 'https://crm.example.com/x'}, {authorization: 'Bearer wrong'})).status).toBe(401);
		expect((await post({url: 'https://crm.example.com/x'}, {authorization: ''})).status).toBe(401);
		expect((await post({url: 'file:///etc/passwd'})).status).toBe(400);
		expect((await post({url: 'javascript:alert(1)'})).status).toBe(400);
		expect((await post({url: 'https://crm.example.com/x'}, {origin: 'https://evil.example'})).status).toBe(403);
		// A name that resolves to 127.0.0.1 (DNS rebinding) is not the loopback the opener serves.
		const rebinding = await new Promise<number>((resolve, reject) => {
			void import('node:http').then(({request}) => {
				const outgoing = request(
					{host: '127.0.0.1', port: openerPort, method: 'POST', path: '/open', headers: {host: `evil.example:${openerPort}`, authorization: `Bearer ${token}`}},
					(response) => resolve(response.statusCode ?? 0),
				);
				outgoing.on('error', reject);
				outgoing.end(JSON.stringify({url: 'https://crm.example.com/x'}));
			});
		});
		expect(rebinding).toBe(403);
		expect(opened().length).toBe(before);
	});

	it('refuses a burst of 100 opens beyond a few a second', async () => {
		await new Promise((resolve) => setTimeout(resolve, 1100)); // a full bucket
		const before = opened().length;
		const statuses = await Promise.all(Array.from({length: 100}, (_, index) => post({url: `https://crm.example.com/burst/${index}`}).then((response) => response.status)));
		const accepted = statuses.filter((status) => status === 200).length;
		expect(accepted).toBeGreaterThan(0);
		expect(accepted).toBeLessThanOrEqual(4);
		expect(statuses.filter((status) => status === 429)).toHaveLength(100 - accepted);
		await expect.poll(() => opened().length - before, waitLong).toBe(accepted);
	});

	it('shows the pop as an on-screen link at once when no opener answers', async () => {
		const desk = await startDesk({port: await findFreePort(), token});
		try {
			const callId = await ring(desk);
			await expect.poll(() => desk.pops.getSnapshot().recent.find((record) => record.kind === 'ring')?.outcome, waitLong).toBe('shown');
			const link = desk.pops.getSnapshot().fallbackLinks[0]!;
			expect(new URL(link.url).searchParams.get('callid')).toBe(callId);
			const record = desk.pops.getSnapshot().recent.find((entry) => entry.kind === 'ring')!;
			expect(record.url).toContain('sid=***');
		} finally {
			await desk.stop();
		}
	});
});
