// A dropped terminal never leaves an agent taking calls with no desk (issue 12 item 6). The built
// ctidesk runs in a real pseudo-terminal (util-linux `script`) on the Asterisk driver, against the
// fake AMI server replaying 04 up to the answered call. Killing `script` closes the terminal's
// master side, so the kernel sends SIGHUP to ctidesk, as a closed window or a dropped SSH link does.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {startFakeAmiServer, type FakeAmiServer} from '../helpers/fake-ami-server.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;

async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
}

async function until<T>(check: () => T | undefined | null | false, what: string, ms = 40_000) {
	const deadline = Date.now() + ms;
	for (;;) {
		const value = check();
		if (value !== undefined && value !== null && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the in-process desk when its terminal goes away (SIGHUP)', () => {
	it.skipIf(!hasScript)(
		'pauses the agent with reason "desk closed" before the link closes, and never hangs up the call',
		async () => {
			const server: FakeAmiServer = await startFakeAmiServer({
				scenarios: '04-inbound-answered',
				mode: 'step',
			});
			cleanups.push(() => server.close());
			const root = mkdtempSync(join(tmpdir(), 'ctidesk-sighup-'));
			mkdirSync(join(root, 'config'), {recursive: true});
			const configFile = join(root, 'config', 'config.json');
			writeFileSync(
				configFile,
				JSON.stringify({
					pbx: {
						driver: 'asterisk',
						asterisk: {
							host: server.host,
							port: server.port,
							username: 'ctidesk',
							secret: 'ctidesk',
							interface: 'Local/101@agent-phone',
							queues: ['support'],
						},
					},
					wrapUpSeconds: 0,
				}),
			);
			const port = await freePort();
			let output = '';
			const terminal: ChildProcess = spawn(
				'script',
				['-qfec', `${process.execPath} ${cli} --config ${configFile} --port ${port}`, '/dev/null'],
				{
					env: {
						...process.env,
						CTIDESK_DATA_DIR: join(root, 'data'),
						CTIDESK_CONFIG_DIR: join(root, 'config'),
						COLUMNS: '100',
						LINES: '30',
					},
					stdio: ['pipe', 'pipe', 'pipe'],
				},
			);
			terminal.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
			cleanups.push(() => {
				terminal.kill('SIGKILL');
			});

			await server.waitForAction('Login');
			await until(() => output.includes('[l]'), 'the toolbar');
			terminal.stdin!.write('l');
			await until(() => /password/i.test(output), 'the password prompt');
			terminal.stdin!.write('101\r');
			await server.waitForAction('QueueAdd');
			// The customer calls and the agent answers (AgentConnect, then the bridge).
			await server.playUntil((message) => message.event === 'BridgeEnter');
			await until(() => output.includes('13800138000'), 'the call on screen');

			terminal.kill('SIGKILL');
			const pause = await server.waitForAction('QueuePause');
			expect(pause.message.toObject()).toMatchObject({
				Queue: 'support',
				Interface: 'Local/101@agent-phone',
				Paused: 'true',
				Reason: 'desk closed',
			});
			await server.waitForAction('Logoff');
			const actions = server.received.map((entry) => entry.action);
			expect(actions.indexOf('QueuePause')).toBeLessThan(actions.indexOf('Logoff'));
			expect(actions).not.toContain('Hangup');
			expect(actions).not.toContain('QueueRemove');
		},
		90_000,
	);
});
