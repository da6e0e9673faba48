// Settings saved on the settings screen apply at once: through the Desk's admin.save(), the very
// next request, pop and login see them; PBX and port changes ask for a reconnect; command-line
// flags are never written into the config file. The real app (simulator, local API, pops).
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {createApp, type App} from '../../source/app.js';
import {hashPassword} from '../../source/config/password.js';
import {resolvePaths} from '../../source/config/paths.js';
import {validateConfig, type Config} from '../../source/config/schema.js';
import {saveConfig} from '../../source/config/store.js';
import type {Desk} from '../../source/core/desk.js';
import {createDesk} from '../../source/desk.js';
import {createLogger} from '../../source/logger.js';
import {rawRequest} from '../server/server-harness.js';
import {findFreePort} from '../e2e/free-port.js';

const newOrigin = 'https://new-crm.example.com';

let app: App | null = null;
let dir: string | null = null;
afterEach(async () => {
	await app?.stop();
	app = null;
	if (dir) rmSync(dir, {recursive: true, force: true});
	dir = null;
});

interface Started {
	app: App;
	desk: Desk;
	file: string;
	opened: string[];
	port: number;
}

/** The app on a config file; `flags` plays the command line (applied, never saved). */
async function start(flags: (config: Config) => Config = (config) => config): Promise<Started> {
	dir = mkdtempSync(join(tmpdir(), 'ctidesk-settings-'));
	const port = await findFreePort();
	const validated = validateConfig({
		pbx: {driver: 'sim', sim: {arrivalsPerMinute: 0, otherAgents: 0}},
		server: {port},
		pops: {ring: {url: 'http://crm.test/ring', mode: 'browser'}, home: {url: '', mode: 'off'}},
		wrapUpSeconds: 0,
		admin: {passwordHash: hashPassword('admin1')},
	});
	if (!validated.ok) throw new Error(validated.message);
	const paths = resolvePaths({env: {CTIDESK_CONFIG_DIR: join(dir, 'config'), CTIDESK_DATA_DIR: join(dir, 'data')}});
	const saved = saveConfig(paths.configFile, validated.config);
	if (!saved.ok) throw new Error(saved.message);
	const opened: string[] = [];
	app = createApp({
		config: flags(validated.config),
		fileConfig: validated.config,
		withFlags: flags,
		paths,
		logger: createLogger({file: null}),
		openUrl: async (url) => {
			opened.push(url);
		},
		env: {DISPLAY: ':99'},
	});
	await app.start();
	const listening = app.server.getSnapshot().port!;
	return {app, desk: createDesk(app, paths.configFile), file: paths.configFile, opened, port: listening};
}

const status = (port: number, origin: string) =>
	rawRequest(port, '/cgi-bin/status.cgi?format=json', {headers: {Host: `127.0.0.1:${port}`, Origin: origin}});

describe('settings saved through the desk', () => {
	it('allow a new CRM origin from the very next request, and the refusal stops asking to add it', async () => {
		const {desk, port} = await start();
		const before = await status(port, newOrigin);
		expect(before.status).toBe(403);
		expect(before.body).toContain('add that origin to server.allowedOrigins');
		const result = desk.admin!.save({'server.allowedOrigins': newOrigin});
		expect(result).toMatchObject({ok: true, needsReconnect: false});
		const after = await status(port, newOrigin);
		expect(after.status).toBe(200);
		expect(after.headers['access-control-allow-origin']).toBe(newOrigin);
		// And removed again: refused again at once.
		desk.admin!.save({'server.allowedOrigins': ''});
		expect((await status(port, newOrigin)).status).toBe(403);
	});

	it('send the next pop to the new pop URL', async () => {
		const {app, desk} = await start();
		expect(desk.admin!.save({'pops.ring.url': 'http://crm2.test/ring'})).toMatchObject({ok: true});
		expect((await app.store.run({type: 'login', user: '101', password: '101'})).ok).toBe(true);
		expect((await app.store.run({type: 'ready'})).ok).toBe(true);
		expect((await app.store.run({type: 'inject-call'})).ok).toBe(true);
		await expect.poll(() => desk.pops.getSnapshot().recent.some((pop) => pop.kind === 'ring')).toBe(true);
		const ring = desk.pops.getSnapshot().recent.find((pop) => pop.kind === 'ring');
		expect(ring?.url).toMatch(/^http:\/\/crm2\.test\/ring\?/);
	});

	it('show the saved language, reasons and links in desk.liveSettings at once, one object per save', async () => {
		const {desk} = await start();
		const live = desk.liveSettings!;
		const first = live.getSnapshot();
		expect(live.getSnapshot()).toBe(first);
		let told = 0;
		const unsubscribe = live.subscribe(() => (told += 1));
		desk.admin!.save({language: 'zh-CN'});
		unsubscribe();
		expect(told).toBe(1);
		expect(live.getSnapshot()).toMatchObject({language: 'zh-CN'});
		expect(live.getSnapshot()).not.toBe(first);
	});

	it('ask for a reconnect on a port change, and rebind the local API on reconnect()', async () => {
		const {desk, port} = await start();
		const other = await findFreePort();
		const result = desk.admin!.save({'server.port': String(other)});
		expect(result).toMatchObject({ok: true, needsReconnect: true});
		// Until the reconnect the old port still serves.
		expect((await rawRequest(port, '/cgi-bin/status.cgi?format=json')).status).toBe(200);
		expect(await desk.admin!.reconnect!()).toEqual({ok: true});
		expect((await rawRequest(other, '/cgi-bin/status.cgi?format=json')).status).toBe(200);
		await expect(rawRequest(port, '/cgi-bin/status.cgi?format=json')).rejects.toThrow();
	});

	it('refuse a reconnect while the agent is logged in', async () => {
		const {app, desk} = await start();
		await app.store.run({type: 'login', user: '101', password: '101'});
		desk.admin!.save({'pbx.sim.seed': '9'});
		expect(await desk.admin!.reconnect!()).toMatchObject({ok: false, code: 'not-allowed'});
	});

	it('never write a command-line flag into the config file', async () => {
		const flagPort = await findFreePort();
		const {desk, file, port} = await start((config) => ({...config, server: {...config.server, port: flagPort}}));
		expect(port).toBe(flagPort);
		const filePort = (JSON.parse(readFileSync(file, 'utf8')) as Config).server.port;
		expect(filePort).not.toBe(flagPort);
		expect(desk.admin!.save({language: 'zh-CN'})).toMatchObject({ok: true, needsReconnect: false});
		const saved = JSON.parse(readFileSync(file, 'utf8')) as Config;
		expect(saved.language).toBe('zh-CN');
		expect(saved.server.port).toBe(filePort);
	});

	it('cannot set an admin password from the desk: the installer does', async () => {
		const {desk} = await start();
		expect(desk.admin!.setPassword('mine')).toMatchObject({ok: false, message: expect.stringContaining('ctidesk set-admin-password')});
		expect(desk.admin!.verifyPassword('admin1')).toBe(true);
	});
});
