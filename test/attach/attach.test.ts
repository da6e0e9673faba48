// The session outlives the terminal (SPEC section 9), end to end: the real headless instance
// (`node dist/cli.js --headless`, dist/ built by test/global-setup.ts) in a child process, attached
// TUIs that connect over the local API and die, `ctidesk events --json` across a dropped link,
// and `ctidesk stop`. The instance runs the embedded simulator with no arrivals, no pops and
// no wrap-up, in temp config and data dirs.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer as createNetServer, connect as netConnect, type Server, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {readInstanceFile, type InstanceInfo} from '../../source/attach/instance-file.js';
import {printEvents} from '../../source/attach/print-events.js';
import {connectRemoteDesk, type RemoteDesk} from '../../source/attach/remote-desk.js';
import {resolvePaths} from '../../source/config/paths.js';
import type {SessionState} from '../../source/core/types.js';

const dist = resolve(import.meta.dirname, '../../dist');

let home: string;
let env: NodeJS.ProcessEnv;
let instanceProcess: ChildProcess | null = null;
let instanceOutput = '';
let instance: InstanceInfo;
const desks: RemoteDesk[] = [];

function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const server = createNetServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolvePort(port));
		});
	});
}

async function until<T>(read: () => T | null | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = read();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n--- instance output ---\n${instanceOutput}`);
		await new Promise((next) => setTimeout(next, 20));
	}
}

function cli(args: string[]) {
	return spawnSync(process.execPath, [join(dist, 'cli.js'), ...args], {env, encoding: 'utf8', timeout: 20_000});
}

async function status(): Promise<{agent: {state: string}; call: {callId: string; number: string} | null}> {
	const response = await fetch(`http://127.0.0.1:${instance.port}/cgi-bin/status.cgi`, {headers: {Accept: 'application/json'}});
	expect(response.status).toBe(200);
	return (await response.json()) as never;
}

async function attach(): Promise<RemoteDesk> {
	const desk = await connectRemoteDesk(instance.port);
	desks.push(desk);
	return desk;
}

const stateOf = (desk: RemoteDesk) => desk.session.getSnapshot();

async function waitState(desk: RemoteDesk, predicate: (state: SessionState) => boolean, what: string) {
	return until(() => (predicate(stateOf(desk)) ? stateOf(desk) : null), what);
}

/**
 * A TCP relay between a client and the instance, so a test can cut the link mid-stream. It
 * rewrites Host, as the instance only answers to its own port.
 */
async function startRelay() {
	const sockets = new Set<Socket>();
	const server: Server = createNetServer((client) => {
		const upstream = netConnect(instance.port, '127.0.0.1');
		sockets.add(client).add(upstream);
		let first = true;
		client.on('data', (chunk: Buffer) => {
			upstream.write(first ? Buffer.from(chunk.toString('latin1').replace(/Host: 127\.0\.0\.1:\d+/i, `Host: 127.0.0.1:${instance.port}`), 'latin1') : chunk);
			first = false;
		});
		upstream.pipe(client);
		const drop = () => (client.destroy(), upstream.destroy(), sockets.delete(client), sockets.delete(upstream));
		client.on('error', drop).on('close', drop);
		upstream.on('error', drop).on('close', drop);
	});
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	return {
		port: (server.address() as {port: number}).port,
		sockets,
		cut() {
			for (const socket of sockets) socket.destroy();
			sockets.clear();
		},
		close: () => new Promise<void>((done) => server.close(() => done())),
	};
}

beforeAll(async () => {
	if (!existsSync(join(dist, 'cli.js'))) throw new Error('dist/cli.js is missing: test/global-setup.ts builds it (npx tsc -p tsconfig.build.json)');

	home = mkdtempSync(join(tmpdir(), 'ctidesk-attach-'));
	env = {...process.env, CTIDESK_CONFIG_DIR: join(home, 'config'), CTIDESK_DATA_DIR: join(home, 'data'), XDG_RUNTIME_DIR: join(home, 'run')};
	const port = await freePort();
	const off = {url: '', mode: 'off'};
	mkdirSync(join(home, 'config'), {recursive: true});
	writeFileSync(
		join(home, 'config', 'config.json'),
		JSON.stringify({
			server: {port},
			pbx: {driver: 'sim', sim: {arrivalsPerMinute: 0, otherAgents: 0, talkSeconds: 3600, ringSeconds: 600}},
			pops: {home: off, ring: off, answer: off, hangup: off, wrapup: off, noBrowser: true},
			wrapUpSeconds: 0,
		}),
	);
	instanceProcess = spawn(process.execPath, [join(dist, 'cli.js'), '--headless'], {env, stdio: ['ignore', 'pipe', 'pipe']});
	instanceProcess.stdout!.on('data', (chunk: Buffer) => (instanceOutput += chunk.toString()));
	instanceProcess.stderr!.on('data', (chunk: Buffer) => (instanceOutput += chunk.toString()));
	const paths = resolvePaths({env});
	instance = await until(() => readInstanceFile(paths.runtimeDir), 'the instance file');
	expect(instance.port).toBe(port);
}, 60_000);

afterAll(async () => {
	for (const desk of desks) desk.close();
	if (instanceProcess && instanceProcess.exitCode === null) instanceProcess.kill('SIGKILL');
	if (home) rmSync(home, {recursive: true, force: true});
});

describe('the session outlives the terminal', () => {
	it('describes itself to an attaching TUI', async () => {
		const desk = await attach();
		expect(desk.instance).toMatchObject({ok: true, pid: instanceProcess!.pid, configFile: join(home, 'config', 'config.json')});
		expect(desk.capabilities.injectCall).toBe(true);
		expect(desk.settings.agentUser).toBe('101');
		// The Events tab starts with the instance's backlog, the pops view with its state.
		await until(() => desk.activity.getSnapshot().some((entry) => entry.text.startsWith('Local API on')), 'the activity backlog');
		expect(desk.pops.getSnapshot()).toMatchObject({pendingHidden: 0});
	});

	it('keeps the agent logged in with the call up when an attached TUI dies, and a new one sees the same', async () => {
		const desk = desks[0]!;
		expect((await desk.session.run({type: 'login', user: '101', password: '101'})).ok).toBe(true);
		expect(await desk.session.run({type: 'ready'})).toMatchObject({ok: true});
		// A first call, answered and hung up, so there is a recent call to compare.
		expect(await desk.session.run({type: 'inject-call'})).toMatchObject({ok: true});
		await waitState(desk, (state) => state.agent.state === 'ringing', 'the first call ringing');
		expect(await desk.session.run({type: 'answer'})).toMatchObject({ok: true});
		expect(await desk.session.run({type: 'hangup'})).toMatchObject({ok: true});
		await waitState(desk, (state) => state.recentCalls.length === 1 && state.agent.state === 'ready', 'the first call in history');
		// The second call stays up.
		expect(await desk.session.run({type: 'inject-call'})).toMatchObject({ok: true});
		await waitState(desk, (state) => state.agent.state === 'ringing', 'the second call ringing');
		expect(await desk.session.run({type: 'answer'})).toMatchObject({ok: true});
		const talking = await waitState(desk, (state) => state.agent.state === 'talking', 'talking');

		// A TUI in another process attaches, then is killed as a dropped SSH link would kill it.
		const script = join(home, 'tui.mjs');
		writeFileSync(
			script,
			`import {connectRemoteDesk} from ${JSON.stringify(pathToFileURL(join(dist, 'attach/remote-desk.js')).href)};
const desk = await connectRemoteDesk(${instance.port});
process.stdout.write('attached ' + desk.session.getSnapshot().agent.state + '\\n');
setInterval(() => undefined, 1000);`,
		);
		const tui = spawn(process.execPath, [script], {stdio: ['ignore', 'pipe', 'inherit']});
		let tuiOutput = '';
		tui.stdout!.on('data', (chunk: Buffer) => (tuiOutput += chunk.toString()));
		await until(() => tuiOutput.includes('attached talking'), 'the TUI child to attach');
		tui.kill('SIGKILL');
		await new Promise((done) => tui.once('exit', done));
		// Our own attached desk goes too, abruptly (no detach message, nothing sent).
		desk.close();

		const after = await status();
		expect(after.agent.state).toBe('talking');
		expect(after.call).toMatchObject({callId: talking.call!.callId, number: talking.call!.number});

		// Attach again: the same state, call, queue and recent calls as the instance's.
		const again = await attach();
		const seen = stateOf(again);
		expect(seen.agent).toEqual(talking.agent);
		expect(seen.call).toEqual(talking.call);
		expect(seen.queue).toEqual(talking.queue);
		expect(seen.recentCalls).toEqual(talking.recentCalls);
		// The WebSocket said the TUI left; the instance did not log anyone out for it.
		await until(() => again.activity.getSnapshot().some((entry) => entry.text.startsWith('WebSocket client disconnected')), 'the disconnect line');
		expect(again.activity.getSnapshot().some((entry) => /logged out/i.test(entry.text))).toBe(false);
	});

	it('an attached TUI follows the instance event by event (its reducer replay equals a fresh snapshot)', async () => {
		const follower = desks.at(-1)!;
		expect(await follower.session.run({type: 'hold'})).toMatchObject({ok: true});
		expect(await follower.session.run({type: 'unhold'})).toMatchObject({ok: true});
		expect(await follower.session.run({type: 'mute'})).toMatchObject({ok: true});
		const refused = await follower.session.run({type: 'dial', number: '139'});
		expect(refused).toMatchObject({ok: false, code: 'not-allowed'});
		const fresh = await attach();
		await until(() => stateOf(follower).seq === stateOf(fresh).seq, 'the follower to catch up');
		expect(stateOf(follower)).toEqual(stateOf(fresh));
		expect(stateOf(fresh).call?.muted).toBe(true);
	});

	it('ctidesk events --json --since replays across a dropped link: no gap, no duplicate', async () => {
		const relay = await startRelay();
		const relayPort = relay.port;

		const desk = desks.at(-1)!;
		const since = stateOf(desk).seq;
		const lines: string[] = [];
		const total = 8;
		const printing = printEvents({port: relayPort, since, json: true, write: (line) => lines.push(line), limit: total});
		// Four events (hold, unhold twice), then the link drops, then four more while it is down.
		await until(() => relay.sockets.size > 0, 'the events client to connect');
		for (const type of ['unmute', 'hold', 'unhold', 'hold'] as const) expect(await desk.session.run({type})).toMatchObject({ok: true});
		await until(() => lines.length >= 4, 'the first events');
		relay.cut();
		for (const type of ['unhold', 'mute', 'unmute', 'hold'] as const) expect(await desk.session.run({type})).toMatchObject({ok: true});
		await printing;
		await relay.close();

		const events = lines.map((line) => JSON.parse(line) as {seq: number; type: string});
		const seqs = events.map((event) => event.seq);
		expect(seqs).toEqual(Array.from({length: total}, (_, index) => since + index + 1));
		expect(events.map((event) => event.type)).toEqual([
			'call-unmuted',
			'call-held',
			'call-resumed',
			'call-held',
			'call-resumed',
			'call-muted',
			'call-unmuted',
			'call-held',
		]);
	});

	it('an attached TUI reconnects after a dropped link, catches up, and shows each activity entry once', async () => {
		const relay = await startRelay();
		const desk = await connectRemoteDesk(relay.port);
		desks.push(desk);
		// A second TUI attached directly: the reference for what the instance holds.
		const instanceDesk = await attach();
		await until(() => desk.activity.getSnapshot().length > 0, 'the activity backlog');
		relay.cut();
		await until(() => !desk.server.getSnapshot().on, 'the TUI to see the link drop');
		// While it is away: things happen at the instance.
		for (const type of ['unhold', 'hold'] as const) expect(await instanceDesk.session.run({type})).toMatchObject({ok: true});
		await until(() => desk.server.getSnapshot().on, 'the TUI to reconnect', 20_000);
		await until(() => stateOf(desk).seq === stateOf(instanceDesk).seq, `the TUI to catch up (${stateOf(desk).seq} vs ${stateOf(instanceDesk).seq})`);
		expect(stateOf(desk)).toEqual(stateOf(instanceDesk));
		const ids = desk.activity.getSnapshot().map((entry) => entry.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toEqual([...ids].sort((a, b) => a - b));
		desk.close();
		await relay.close();
	});

	it('ctidesk stop stops the instance (without logging out) and removes the instance file', async () => {
		const stopped = new Promise<number | null>((done) => instanceProcess!.once('exit', (code) => done(code)));
		const result = cli(['stop']);
		expect(result.status, result.stderr).toBe(0);
		expect(result.stdout).toContain(`pid ${instance.pid}`);
		expect(await stopped).toBe(0);
		expect(readInstanceFile(resolvePaths({env}).runtimeDir)).toBeNull();
		expect(instanceOutput).not.toMatch(/Logged out/);
	});
});
