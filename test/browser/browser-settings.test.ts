// The settings screen edits the browser mode, executable and per-pop window; a new config
// applies to the next pop because the browser service reads its settings through a getter.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {createBrowserService, isHomePage} from '../../source/browser/browser-service.js';
import {formatPopWindow} from '../../source/browser/pop-window-text.js';
import {defaultConfig, type Config} from '../../source/config/schema.js';
import {createAdminSettings} from '../../source/desk.js';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

describe('browser settings on the settings screen', () => {
	it('shows the browser mode, executable and pop windows, and saves edits to them', () => {
		const dir = mkdtempSync(join(tmpdir(), 'ctidesk-settings-'));
		dirs.push(dir);
		const file = join(dir, 'config.json');
		const config = defaultConfig();
		config.pops.answer.window = {width: 900, height: 700, x: 40, y: -5};
		const admin = createAdminSettings(config, file);
		const fields = Object.fromEntries(admin.fields().map((field) => [field.path, field]));
		expect(fields['browser.mode']).toEqual({path: 'browser.mode', value: 'managed', choices: ['managed', 'system', 'remote']});
		expect(fields['browser.executable']?.value).toBe('');
		expect(fields['pops.answer.window']?.value).toBe('900x700+40-5');
		expect(fields['pops.ring.window']?.value).toBe('');

		expect(admin.save({'browser.mode': 'system', 'browser.executable': '/opt/chrome', 'pops.ring.window': '800x600', 'pops.answer.window': ''})).toMatchObject({ok: true});
		const saved = JSON.parse(readFileSync(file, 'utf8')) as Config;
		expect(saved.browser).toMatchObject({mode: 'system', executable: '/opt/chrome'});
		expect(saved.pops.ring.window).toEqual({width: 800, height: 600});
		expect(saved.pops.answer.window).toBeUndefined();

		const refused = admin.save({'pops.ring.window': '10x10'});
		expect(refused).toMatchObject({ok: false});
		expect(!refused.ok && refused.message).toContain('pops.ring.window');
	});

	it('knows the home page with or without its login parameters, and nothing else', () => {
		const home = 'https://crm.example.com/main?app=cc';
		expect(isHomePage('https://crm.example.com/main?app=cc', home)).toBe(true);
		expect(isHomePage('https://crm.example.com/main?app=cc&user=101&sid=ABC', home)).toBe(true);
		expect(isHomePage('https://crm.example.com/tickets', home)).toBe(false);
		expect(isHomePage('https://other.example.com/main', home)).toBe(false);
		expect(isHomePage('https://crm.example.com/main', '')).toBe(false);
	});

	it('formats windows the way the schema reads them', () => {
		expect(formatPopWindow(undefined)).toBe('');
		expect(formatPopWindow({width: 900, height: 700})).toBe('900x700');
		expect(formatPopWindow({width: 900, height: 700, x: 0, y: 40})).toBe('900x700+0+40');
	});

	it('applies a new config to the next pop: the mode is read through the settings getter', () => {
		let config = defaultConfig();
		const service = createBrowserService({
			settings: () => config,
			profileDir: '/nonexistent/profile',
			isLoggedIn: () => false,
			isLoginCgi: () => false,
			env: {DISPLAY: ':0'},
			platform: 'linux',
			findBrowser: () => '/usr/bin/chromium',
		});
		expect(service.plan().mode).toBe('managed');
		expect(service.hiddenTransport()).not.toBeNull();
		config = {...config, browser: {...config.browser, mode: 'system'}};
		expect(service.plan().mode).toBe('system');
		expect(service.getSnapshot()).toEqual({mode: 'system', why: 'system: the default browser', running: false});
		// The same object until something changes (useSyncExternalStore).
		expect(service.getSnapshot()).toBe(service.getSnapshot());
		// Hidden pops go back to ctidesk's own fetch outside managed mode.
		expect(service.hiddenTransport()).toBeNull();
	});
});

describe('a saved browser mode in the running app', () => {
	it('shows in the status data at once and applies to the next pop', async () => {
		const {createApp} = await import('../../source/app.js');
		const {resolvePaths} = await import('../../source/config/paths.js');
		const {createLogger} = await import('../../source/logger.js');
		const dir = mkdtempSync(join(tmpdir(), 'ctidesk-live-browser-'));
		dirs.push(dir);
		const config = defaultConfig();
		config.pbx.sim = {...config.pbx.sim, arrivalsPerMinute: 0, otherAgents: 0};
		const {findFreePort} = await import('../e2e/free-port.js');
		config.server.port = await findFreePort();
		config.browser = {...config.browser, mode: 'system'};
		config.pops.ring = {url: 'https://crm.example.com/ring', mode: 'browser'};
		const paths = resolvePaths({env: {CTIDESK_CONFIG_DIR: join(dir, 'config'), CTIDESK_DATA_DIR: join(dir, 'data')}});
		const opened: string[] = [];
		const app = createApp({
			config,
			paths,
			logger: createLogger({file: paths.logFile, level: 'silent'}),
			env: {DISPLAY: ':0'},
			openUrl: async (url) => void opened.push(url),
		});
		await app.start();
		try {
			expect(app.pops.getSnapshot().browser).toMatchObject({mode: 'system', why: 'system: the default browser'});
			const changes: unknown[] = [];
			app.pops.subscribe(() => changes.push(app.pops.getSnapshot().browser));
			app.applySaved({...config, browser: {...config.browser, mode: 'remote'}});
			await expect.poll(() => changes.at(-1)).toMatchObject({mode: 'remote', why: 'remote: no opener token set (browser.remote.token): pops show as links'});
			// The next pop follows the saved mode: a link on screen, nothing handed to open().
			expect(await app.store.run({type: 'login', user: '101', password: '101'})).toEqual({ok: true});
			expect(await app.store.run({type: 'ready'})).toEqual({ok: true});
			expect(await app.store.run({type: 'inject-call'})).toEqual({ok: true});
			await expect.poll(() => app.pops.getSnapshot().recent.find((record) => record.kind === 'ring')?.outcome).toBe('shown');
			expect(opened).toEqual([]);
		} finally {
			await app.stop();
		}
	});
});
