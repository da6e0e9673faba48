// The built command as a user runs it: in a pseudo-terminal (util-linux `script`), headless with
// a pipe for stdin, and with bad flags or a bad config file.
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';

const cli = join(process.cwd(), 'dist', 'cli.js');
const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;

function dirs() {
	const root = mkdtempSync(join(tmpdir(), 'ctidesk-cli-'));
	return {CTIDESK_CONFIG_DIR: join(root, 'config'), CTIDESK_DATA_DIR: join(root, 'data'), root};
}

async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
}

/** Runs a command until `done(output)` or the timeout; resolves with everything it printed. */
function runUntil(
	command: string,
	args: string[],
	env: NodeJS.ProcessEnv,
	done: (output: string) => boolean,
	timeoutMs = 15_000,
) {
	return new Promise<{output: string; code: number | null}>((resolve, reject) => {
		const child = spawn(command, args, {
			env: {...process.env, ...env},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let output = '';
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`timed out; output so far:\n${output}`));
		}, timeoutMs);
		const onData = (chunk: Buffer) => {
			output += chunk.toString('utf8');
			if (done(output)) child.kill('SIGTERM');
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({output, code});
		});
	});
}

describe('the ctidesk command', () => {
	it('prints its version and help', () => {
		const version = spawnSync(process.execPath, [cli, '--version'], {encoding: 'utf8'});
		expect(version.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
		const help = spawnSync(process.execPath, [cli, '--help'], {encoding: 'utf8'});
		expect(help.stdout).toContain('--headless');
		expect(help.stdout).toContain('ctidesk attach');
	});

	it('refuses a bad config value with a message naming the key, and leaves the file as it was', () => {
		const env = dirs();
		const file = join(env.root, 'bad.json');
		writeFileSync(file, '{"server": {"port": 99999}}');
		const result = spawnSync(process.execPath, [cli, '--config', file, '--headless'], {
			encoding: 'utf8',
			env: {...process.env, ...env},
		});
		expect(result.status).toBe(2);
		expect(result.stderr).toContain('server.port = 99999');
		expect(readFileSync(file, 'utf8')).toBe('{"server": {"port": 99999}}');
	});

	it('refuses a bad flag value', () => {
		const env = dirs();
		const result = spawnSync(process.execPath, [cli, '--port', '70000', '--headless'], {
			encoding: 'utf8',
			env: {...process.env, ...env},
		});
		expect(result.status).toBe(2);
		expect(result.stderr).toContain('--port');
	});

	it('names a mistyped flag and the one probably meant, not Node\'s raw parser text', () => {
		const env = dirs();
		const run = (flag: string) =>
			spawnSync(process.execPath, [cli, flag, '1'], {encoding: 'utf8', env: {...process.env, ...env}});
		const typo = run('--prot');
		expect(typo.status).toBe(2);
		expect(typo.stderr).toBe('ctidesk: unknown option --prot; did you mean --port? see ctidesk --help\n');
		expect(run('--zzzz').stderr).toBe('ctidesk: unknown option --zzzz; see ctidesk --help\n');
	});

	it('runs headless when stdin is not a terminal, logging to stdout, and exits 0 on SIGTERM', async () => {
		const env = dirs();
		const port = await freePort();
		const {output, code} = await runUntil(
			process.execPath,
			[cli, '--port', String(port)],
			env,
			(text) => text.includes('PBX connected'),
		);
		expect(output).toContain(`Local API on http://localhost:${port}`);
		expect(code).toBe(0);
	});

	it.skipIf(!hasScript)(
		'draws the full-screen TUI in a terminal, in the alternate screen, and restores it',
		async () => {
			const env = dirs();
			const port = await freePort();
			const {output} = await runUntil(
				'script',
				['-qfec', `${process.execPath} ${cli} --port ${port}`, '/dev/null'],
				{...env, COLUMNS: '80', LINES: '24'},
				(text) => text.includes('[l]Login') && text.includes('PBX sim'),
			);
			expect(output).toContain('\u001B[?1049h');
			expect(output).toContain('[l]Login');
			expect(output).toContain('LOGGED OUT');
			expect(output).toContain('╭─ Call ');
		},
	);
});

describe('ctidesk set-admin-password', () => {
	it('sets the admin password from stdin in the config file, changing nothing else', () => {
		const env = dirs();
		const file = join(env.root, 'ctidesk.json');
		writeFileSync(file, '{"language": "zh-CN"}\n');
		const result = spawnSync(process.execPath, [cli, 'set-admin-password', '--config', file], {
			env: {...process.env, ...env},
			input: 'install3r\n',
		});
		expect(result.stderr.toString()).toBe('');
		expect(result.status).toBe(0);
		const saved = JSON.parse(readFileSync(file, 'utf8')) as {language: string; admin: {passwordHash: string}; server: {port: number}};
		expect(saved.language).toBe('zh-CN');
		expect(saved.admin.passwordHash).toMatch(/^scrypt\$/);
	});

	it('refuses a password shorter than 4 characters and leaves the file alone', () => {
		const env = dirs();
		const file = join(env.root, 'ctidesk.json');
		writeFileSync(file, '{}\n');
		const result = spawnSync(process.execPath, [cli, 'set-admin-password', '--config', file], {env: {...process.env, ...env}, input: 'abc'});
		expect(result.status).toBe(2);
		expect(result.stderr.toString()).toContain('at least 4 characters');
		expect(readFileSync(file, 'utf8')).toBe('{}\n');
	});
});
