import {spawn as nodeSpawn, type ChildProcess} from 'node:child_process';
import {EventEmitter} from 'node:events';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {
	createLauncher,
	lacksDisplay,
	type Fallback,
	type LauncherOptions,
	type LaunchRequest,
	type SpawnedProcess,
	type SpawnFunction,
} from '../../source/pops/launcher.js';

const url = 'http://crm.example.com/ring?origin=1&callid=20261125090000001&number=%2B8613800138000&sid=ABC';
const ring: LaunchRequest = {id: 1, kind: 'ring', url, mode: 'browser', callId: '20261125090000001'};
const desktop = {DISPLAY: ':0'};

/** A child process double: starts (or fails) on the next tick, exits when the test says. */
class FakeChild extends EventEmitter implements SpawnedProcess {
	unrefed = false;
	unref() {
		this.unrefed = true;
	}
}

function fakeSpawn(behaviour: (command: string) => 'start' | Error = () => 'start') {
	const calls: Array<{command: string; args: string[]; child: FakeChild}> = [];
	const spawn: SpawnFunction = (command, args) => {
		const child = new FakeChild();
		calls.push({command, args, child});
		const outcome = behaviour(command);
		queueMicrotask(() => (outcome === 'start' ? child.emit('spawn') : child.emit('error', outcome)));
		return child;
	};
	return {spawn, calls};
}

function setup(overrides: Partial<LauncherOptions> = {}) {
	const fallbacks: Fallback[] = [];
	const opened: string[] = [];
	const queued: Array<{kind: string; url: string; callId: string | null}> = [];
	const launcher = createLauncher({
		browserCommand: '',
		noBrowser: false,
		clipboard: false,
		outbox: {
			enqueue: (item) => {
				queued.push(item);
				return Promise.resolve(item);
			},
		},
		onFallback: (fallback) => fallbacks.push(fallback),
		env: desktop,
		platform: 'linux',
		openUrl: (target) => {
			opened.push(target);
			return Promise.resolve(undefined);
		},
		spawn: fakeSpawn().spawn,
		...overrides,
	});
	return {launcher, fallbacks, opened, queued};
}

describe('browser mode', () => {
	it('opens the default browser through open() when a display is there', async () => {
		const {launcher, opened, fallbacks} = setup();
		expect(await launcher.launch(ring)).toEqual({outcome: 'opened', detail: null});
		expect(opened).toEqual([url]);
		expect(fallbacks).toEqual([]);
	});

	it('runs the configured command template with the URL as one argv element and no shell', async () => {
		const {spawn, calls} = fakeSpawn();
		const {launcher, opened} = setup({browserCommand: 'chromium --app={url} --window-size=800,600', spawn});
		expect((await launcher.launch(ring)).outcome).toBe('opened');
		expect(calls.map(({command, args}) => [command, ...args])).toEqual([['chromium', `--app=${url}`, '--window-size=800,600']]);
		expect(calls[0]!.child.unrefed).toBe(true);
		expect(opened).toEqual([]);
	});

	it('honours $BROWSER with %s, trying the colon-separated list in order, also without a display', async () => {
		const {spawn, calls} = fakeSpawn((command) => (command === 'missing-browser' ? Object.assign(new Error('spawn missing-browser ENOENT'), {code: 'ENOENT'}) : 'start'));
		const {launcher, opened, fallbacks} = setup({env: {BROWSER: 'missing-browser:remote-open --tab %s'}, spawn});
		expect((await launcher.launch(ring)).outcome).toBe('opened');
		expect(calls.map(({command, args}) => [command, ...args])).toEqual([
			['missing-browser', url],
			['remote-open', '--tab', url],
		]);
		expect(opened).toEqual([]);
		expect(fallbacks).toEqual([]);
	});

	it('falls back to a link when every $BROWSER entry fails', async () => {
		const {spawn} = fakeSpawn(() => new Error('ENOENT'));
		const {launcher, fallbacks} = setup({env: {BROWSER: 'a:b'}, spawn});
		const result = await launcher.launch(ring);
		expect(result.outcome).toBe('shown');
		expect(fallbacks).toMatchObject([{id: 1, kind: 'ring', url, reason: 'open-failed', late: false}]);
	});

	it.each([
		['linux, no DISPLAY nor WAYLAND_DISPLAY (SSH)', 'linux', {SSH_CONNECTION: '1 2 3 4'}, true],
		['freebsd without X', 'freebsd', {}, true],
		['linux with Wayland', 'linux', {WAYLAND_DISPLAY: 'wayland-0'}, false],
		['linux with X11 forwarding', 'linux', {DISPLAY: 'localhost:10.0', SSH_CONNECTION: 'x'}, false],
		['WSL (opens the Windows browser)', 'linux', {WSL_DISTRO_NAME: 'Ubuntu'}, false],
		['macOS', 'darwin', {}, false],
		['Windows', 'win32', {}, false],
	] as const)('knows whether a browser can open: %s', (_label, platform, env, lacking) => {
		expect(lacksDisplay(env, platform)).toBe(lacking);
	});

	it('shows the pop as a link instead of calling open() when there is no display', async () => {
		const {launcher, opened, fallbacks} = setup({env: {}});
		expect(await launcher.launch(ring)).toEqual({outcome: 'shown', detail: 'no-display'});
		expect(opened).toEqual([]);
		expect(fallbacks).toEqual([{id: 1, kind: 'ring', url, reason: 'no-display', detail: null, clipboard: null, late: false}]);
	});

	it('never starts a browser with --no-browser, even with a command and $BROWSER', async () => {
		const {spawn, calls} = fakeSpawn();
		const {launcher, opened, fallbacks} = setup({noBrowser: true, browserCommand: 'chromium {url}', env: {...desktop, BROWSER: 'x'}, spawn});
		expect((await launcher.launch(ring)).outcome).toBe('shown');
		expect(calls).toEqual([]);
		expect(opened).toEqual([]);
		expect(fallbacks[0]!.reason).toBe('no-browser');
	});

	it('falls back when open() fails, with the reason', async () => {
		const {launcher, fallbacks} = setup({openUrl: () => Promise.reject(new Error('xdg-open: not found'))});
		expect(await launcher.launch(ring)).toEqual({outcome: 'shown', detail: 'xdg-open: not found'});
		expect(fallbacks[0]).toMatchObject({reason: 'open-failed', detail: 'xdg-open: not found', url});
	});

	it('falls back late when the started browser command exits with an error', async () => {
		const {spawn, calls} = fakeSpawn();
		const {launcher, fallbacks} = setup({browserCommand: 'chromium {url}', spawn});
		expect((await launcher.launch(ring)).outcome).toBe('opened');
		expect(fallbacks).toEqual([]);
		calls[0]!.child.emit('exit', 1, null);
		expect(fallbacks).toMatchObject([{id: 1, reason: 'open-failed', detail: 'chromium exited with 1', late: true}]);
	});

	it('does not fall back when the browser command exits cleanly', async () => {
		const {spawn, calls} = fakeSpawn();
		const {launcher, fallbacks} = setup({browserCommand: 'xdg-open {url}', spawn});
		await launcher.launch(ring);
		calls[0]!.child.emit('exit', 0, null);
		expect(fallbacks).toEqual([]);
	});

	it('watches the process open() returns for a failing exit', async () => {
		const child = new FakeChild();
		const {launcher, fallbacks} = setup({openUrl: () => Promise.resolve(child)});
		expect((await launcher.launch(ring)).outcome).toBe('opened');
		child.emit('exit', 3, null);
		expect(fallbacks).toMatchObject([{reason: 'open-failed', detail: 'open exited with 3', late: true}]);
	});

	it('adds an OSC 52 copy of the URL to the fallback when clipboard copying is on', async () => {
		const {launcher, fallbacks} = setup({env: {}, clipboard: true});
		await launcher.launch(ring);
		const payload = fallbacks[0]!.clipboard!.slice('\u001B]52;c;'.length, -2);
		expect(Buffer.from(payload, 'base64').toString('utf8')).toBe(url);
	});

	it('reports fallbacks to every subscriber', async () => {
		const {launcher} = setup({env: {}, onFallback: undefined});
		const seen: string[] = [];
		const unsubscribe = launcher.onFallback((fallback) => seen.push(fallback.reason));
		await launcher.launch(ring);
		unsubscribe();
		await launcher.launch({...ring, id: 2});
		expect(seen).toEqual(['no-display']);
	});
});

describe('hidden and off modes', () => {
	it('hands a hidden pop to the outbox and opens nothing', async () => {
		const {launcher, queued, opened} = setup();
		expect(await launcher.launch({...ring, mode: 'hidden'})).toEqual({outcome: 'queued', detail: null});
		expect(queued).toEqual([{kind: 'ring', url, callId: '20261125090000001'}]);
		expect(opened).toEqual([]);
	});

	it('reports a hidden pop the outbox could not write as failed', async () => {
		const {launcher} = setup({outbox: {enqueue: () => Promise.reject(new Error('ENOSPC'))}});
		expect(await launcher.launch({...ring, mode: 'hidden'})).toEqual({outcome: 'failed', detail: 'outbox: ENOSPC'});
	});

	it('does nothing for off', async () => {
		const {launcher, queued, opened, fallbacks} = setup();
		expect((await launcher.launch({...ring, mode: 'off'})).outcome).toBe('off');
		expect([queued, opened, fallbacks]).toEqual([[], [], []]);
	});
});

describe('with a real process', () => {
	let dir: string | null = null;
	afterEach(async () => {
		if (dir) await rm(dir, {recursive: true, force: true});
		dir = null;
	});

	it('passes a hostile URL through unchanged, with no shell in between', async () => {
		dir = await mkdtemp(join(tmpdir(), 'ctidesk-launcher-'));
		const out = join(dir, 'argv.json');
		const hostile = `http://crm/p?a=$(touch ${join(dir, 'pwned')})&b=\`id\`;echo x>${join(dir, 'pwned2')}|cat&c='"*`;
		const children: ChildProcess[] = [];
		const spawn: SpawnFunction = (command, args) => {
			const child = nodeSpawn(command, args, {stdio: 'ignore'});
			children.push(child);
			return child;
		};
		const script = `require('fs').writeFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)))`;
		const template = `'${process.execPath}' -e "${script}" '${out}' --app={url} --window-size=800,600`;
		const {launcher, fallbacks} = setup({browserCommand: template, spawn});
		expect((await launcher.launch({...ring, url: hostile})).outcome).toBe('opened');
		const code = await new Promise((resolve) => children[0]!.once('exit', resolve));
		expect(code).toBe(0);
		expect(JSON.parse(await readFile(out, 'utf8'))).toEqual([`--app=${hostile}`, '--window-size=800,600']);
		await expect(readFile(join(dir, 'pwned'))).rejects.toThrow(/ENOENT/);
		await expect(readFile(join(dir, 'pwned2'))).rejects.toThrow(/ENOENT/);
		expect(fallbacks).toEqual([]);
	});

	it('falls back when the browser command does not exist', async () => {
		const {launcher, fallbacks} = setup({browserCommand: 'ctidesk-no-such-browser-xyz {url}', spawn: undefined});
		const result = await launcher.launch(ring);
		expect(result.outcome).toBe('shown');
		expect(fallbacks[0]!.detail).toMatch(/ENOENT/);
	});
});

describe('the browser section (issue 15)', () => {
	type Plan = ReturnType<NonNullable<LauncherOptions['browser']>['plan']>;
	function routing(plan: Plan, answer: {ok: true} | {ok: false; detail: string} = {ok: true}) {
		const visible: Array<{kind: string; url: string}> = [];
		return {
			visible,
			browser: {
				plan: () => plan,
				openVisible: (request: {kind: 'home' | 'ring' | 'answer' | 'hangup' | 'wrapup'; url: string}) => {
					visible.push(request);
					return Promise.resolve(answer);
				},
			},
		};
	}

	it.each(['managed', 'remote'] as const)('hands visible pops to the %s browser, not to open()', async (mode) => {
		const {browser, visible} = routing({mode, command: '', linksOnly: false, why: mode});
		const {launcher, opened, fallbacks} = setup({browser});
		expect(await launcher.launch(ring)).toEqual({outcome: 'opened', detail: null});
		expect(visible).toEqual([{kind: 'ring', url}]);
		expect(opened).toEqual([]);
		expect(fallbacks).toEqual([]);
	});

	it('shows the link at once when the managed browser or the opener fails', async () => {
		const {browser} = routing({mode: 'remote', command: '', linksOnly: false, why: 'remote'}, {ok: false, detail: 'no opener on 127.0.0.1:2226'});
		const {launcher, fallbacks} = setup({browser});
		expect(await launcher.launch(ring)).toEqual({outcome: 'shown', detail: 'no opener on 127.0.0.1:2226'});
		expect(fallbacks).toMatchObject([{id: 1, kind: 'ring', url, reason: 'open-failed', late: false}]);
	});

	it('shows links only, saying why, when the plan says so (remote without a token)', async () => {
		const why = 'remote: no opener token set (browser.remote.token): pops show as links';
		const {browser, visible} = routing({mode: 'remote', command: '', linksOnly: true, why});
		const {launcher, fallbacks} = setup({browser});
		expect(await launcher.launch(ring)).toEqual({outcome: 'shown', detail: why});
		expect(visible).toEqual([]);
		expect(fallbacks).toMatchObject([{reason: 'no-browser', detail: why}]);
	});

	it('runs the system mode command from the plan (the moved pops.browserCommand)', async () => {
		const spawned = fakeSpawn();
		const {browser} = routing({mode: 'system', command: 'firefox --new-window {url}', linksOnly: false, why: 'system'});
		const {launcher, opened} = setup({browser, spawn: spawned.spawn, browserCommand: 'ignored {url}'});
		expect(await launcher.launch(ring)).toEqual({outcome: 'opened', detail: null});
		expect(spawned.calls.map((call) => [call.command, ...call.args])).toEqual([['firefox', '--new-window', url]]);
		expect(opened).toEqual([]);
	});

	it('still queues hidden pops in the outbox (the outbox picks the transport)', async () => {
		const {browser, visible} = routing({mode: 'managed', command: '', linksOnly: false, why: 'managed'});
		const {launcher, queued} = setup({browser});
		expect(await launcher.launch({...ring, mode: 'hidden'})).toEqual({outcome: 'queued', detail: null});
		expect(queued).toEqual([{kind: 'ring', url, callId: ring.callId}]);
		expect(visible).toEqual([]);
	});
});
