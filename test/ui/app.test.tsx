import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {act} from 'react';
import {afterEach, describe, expect, it} from 'vitest';
import {hashPassword} from '../../source/config/password.js';
import {App} from '../../source/ui/App.js';
import {keys, renderApp, type RenderedApp} from '../helpers/render-app.js';
import {createTestDesk, type TestDesk} from '../helpers/test-desk.js';

let ui: RenderedApp | null = null;
let test: TestDesk | null = null;

afterEach(async () => {
	ui?.unmount();
	ui = null;
	await test?.store.stop();
	test = null;
});

async function start(
	overrides: Parameters<typeof createTestDesk>[0] = {},
	size = {columns: 80, rows: 24},
	configFile?: string,
) {
	test = await createTestDesk(overrides, configFile);
	const quits: string[] = [];
	ui = await renderApp(<App desk={test.desk} onExit={(choice) => quits.push(choice)} />, size);
	return {ui, test, quits};
}

async function advance(ms: number) {
	await act(async () => {
		test!.clock.advance(ms);
	});
}

async function login(app: RenderedApp) {
	await app.press('l');
	await app.waitForFrame('Password for 101');
	await app.type('101');
	await app.press(keys.enter);
	await app.waitForFrame('Away');
}

describe('the TUI over the real session and simulator', () => {
	it('works a whole inbound call with the default keys: login → ready → ring → answer → hang up → wrap-up → ready', async () => {
		const {ui} = await start();
		expect(ui.lastFrame()).toContain('Logged out');
		await login(ui);
		await ui.press('r');
		await ui.waitForFrame(/● Ready/);
		await ui.press('i');
		await advance(2000);
		const ringing = await ui.waitForFrame(/● Ringing/);
		expect(ringing).toMatch(/← Inbound \d+/);
		await ui.press('p');
		await ui.waitForFrame(/● Talking/);
		const callId = test!.store.getSnapshot().call!.callId;
		expect(ui.lastFrame()).toContain(callId);
		await ui.press('h');
		await ui.waitForFrame(/● Wrap-up/);
		await ui.waitForFrame('Wrap-up code for the last call');
		await ui.press(keys.escape);
		await advance(30_000);
		await ui.waitForFrame(/● Ready/);
		await ui.press(keys.tab, keys.tab);
		const history = await ui.waitForFrame('agent hung up');
		expect(history).toContain(callId);
		expect(test!.store.getSnapshot().shift.callsHandled).toBe(1);
	});

	it('moves one tab per Tab press, also when several arrive in one chunk, and back with Shift+Tab', async () => {
		const {ui} = await start();
		await login(ui);
		// Five Tabs in one write, as tmux send-keys or a fast typist over SSH delivers them.
		await ui.press('\t\t\t\t\t');
		await ui.waitForFrame('Nothing has happened yet.');
		// Shift+Tab twice in one write: Events → Links → Pops.
		await ui.press('\u001B[Z\u001B[Z');
		await ui.waitForFrame('No pops yet.');
		await ui.press('\t\t');
		await ui.waitForFrame('Nothing has happened yet.');
		// Past the last tab: back to the first.
		await ui.press('\t');
		await ui.waitForFrame('No call.');
		await ui.press('\t\t');
		await ui.waitForFrame('No calls yet.');
	});

	it('refuses a wrong password at login and stays logged out', async () => {
		const {ui} = await start();
		await ui.press('l');
		await ui.type('nope');
		await ui.press(keys.enter);
		await ui.waitForFrame('Wrong user or password');
		expect(test!.store.getSnapshot().agent.state).toBe('logged-out');
	});

	it('dials from the prompt, accepting only phone characters', async () => {
		const {ui} = await start();
		await login(ui);
		await ui.press('d');
		await ui.waitForFrame('Number to dial');
		await ui.type('139x0013-9000');
		expect(ui.lastFrame()).toContain('13900139000');
		await ui.press(keys.enter);
		await ui.waitForFrame(/● Dialing/);
		expect(test!.store.getSnapshot().call?.number).toBe('13900139000');
		await advance(5000);
		await ui.waitForFrame(/● Talking/);
	});

	it('Esc closes the dial prompt without dialling', async () => {
		const {ui} = await start();
		await login(ui);
		await ui.press('d');
		await ui.type('123');
		await ui.press(keys.escape);
		await ui.waitForFrame((frame) => !frame.includes('Number to dial'));
		expect(test!.store.getSnapshot().call).toBeNull();
	});

	it('transfers blind from the target prompt', async () => {
		const {ui} = await start();
		await login(ui);
		await ui.press('r');
		await ui.press('i');
		await advance(2000);
		await ui.waitForFrame(/● Ringing/);
		await ui.press('p');
		await ui.waitForFrame(/● Talking/);
		await ui.press('t');
		await ui.waitForFrame('Transfer to');
		await ui.type('8001');
		await ui.press(keys.enter);
		await ui.waitForFrame('blind');
		await ui.press('b');
		await ui.waitForFrame(/● Wrap-up/);
		expect(test!.store.getSnapshot().recentCalls[0]).toMatchObject({
			endCause: 'transferred',
			transferTarget: '8001',
			transferMode: 'blind',
		});
	});

	it('goes away with a reason picked from the list', async () => {
		const {ui} = await start();
		await login(ui);
		await ui.press('r');
		await ui.press('n');
		await ui.waitForFrame('Why away?');
		await ui.press(keys.down, keys.enter);
		await ui.waitForFrame('Away (lunch)');
	});

	it('dims what is not allowed and says why a refused key does nothing', async () => {
		const {ui} = await start();
		await login(ui);
		await ui.press('h');
		await ui.waitForFrame('There is no call to hang up.');
	});

	it('asks before quitting while logged in, and quits with logout on y', async () => {
		const {ui, quits} = await start();
		await login(ui);
		await ui.press('q');
		await ui.waitForFrame('Log out and quit?');
		await ui.press('y');
		expect(quits).toEqual(['stop-logout']);
	});

	it('shows Chinese labels at 80x24 with wide characters, within the terminal', async () => {
		const {ui} = await start({language: 'zh-CN'});
		const frame = ui.lastFrame();
		expect(frame).toContain('登录');
		expect(frame).toContain('离席');
		expect(frame).toContain('入席');
		expect(frame).toContain('转接');
		expect(frame).toContain('未登录');
		expect(frame.split('\n').length).toBeLessThan(24);
		await ui.press('l');
		await ui.type('101');
		await ui.press(keys.enter);
		await ui.waitForFrame('离席');
	});

	it('keeps every frame below the terminal height, also after a resize', async () => {
		const {ui} = await start();
		expect(ui.lastFrame().split('\n').length).toBeLessThanOrEqual(23);
		await ui.resize(100, 16);
		await ui.waitForFrame((frame) => frame.split('\n').length <= 15);
	});

	it('opens the settings behind the admin password set by the installer, and saves atomically', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'ctidesk-ui-'));
		const file = join(dir, 'config.json');
		const {ui} = await start({admin: {passwordHash: hashPassword('secret1')}}, {columns: 80, rows: 24}, file);
		await ui.press('s');
		await ui.waitForFrame('Admin password');
		await ui.type('secret1');
		await ui.press(keys.enter);
		await ui.waitForFrame('pops.home.url');
		await ui.press(keys.enter);
		await ui.type('https://crm.example.com/home');
		await ui.press(keys.enter);
		await ui.press('w');
		await ui.waitForFrame('Settings saved');
		expect(JSON.parse(readFileSync(file, 'utf8')).pops.home.url).toBe(
			'https://crm.example.com/home',
		);
		await ui.press(keys.escape);
		await ui.press('s');
		await ui.waitForFrame('Admin password');
		await ui.type('wrong');
		await ui.press(keys.enter);
		await ui.waitForFrame('Wrong admin password');
	});

	it('says how to set the admin password when none is set, instead of letting the first person set one', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'ctidesk-ui-'));
		const {ui} = await start({}, {columns: 80, rows: 24}, join(dir, 'config.json'));
		await ui.press('s');
		await ui.waitForFrame('ctidesk set-admin-password');
		expect(ui.lastFrame()).not.toContain('pops.home.url');
	});

	it('lists the keys in the help overlay and closes it with Esc', async () => {
		const {ui} = await start();
		await ui.press('?');
		const help = await ui.waitForFrame('Esc or ? closes');
		expect(help).toContain('Redraw');
		await ui.press(keys.escape);
		await ui.waitForFrame((frame) => !frame.includes('Esc or ? closes'));
	});
});

describe('the command line and wrap-up codes', () => {
	it('runs :dial from the command line, completing the verb with Tab', async () => {
		const {ui} = await start();
		await login(ui);
		await ui.press(':');
		await ui.waitForFrame('Command');
		await ui.type('di');
		await ui.press(keys.tab);
		await ui.waitForFrame(':dial ');
		await ui.type('13900139000');
		await ui.press(keys.enter);
		await ui.waitForFrame(/● Dialing/);
		expect(test!.store.getSnapshot().call?.number).toBe('13900139000');
	});

	it('explains an unknown command and keeps the prompt open; history recalls the last line', async () => {
		const {ui} = await start();
		await login(ui);
		await ui.press(':');
		await ui.type('dail 123');
		await ui.press(keys.enter);
		await ui.waitForFrame('Unknown command :dail');
		await ui.press(keys.escape);
		await ui.press(':');
		await ui.press(keys.up);
		await ui.waitForFrame(':dail 123');
	});

	it(':away lunch and :ready run the same commands as the keys', async () => {
		const {ui} = await start();
		await login(ui);
		await ui.press(':');
		await ui.type('ready');
		await ui.press(keys.enter);
		await ui.waitForFrame(/● Ready/);
		await ui.press(':');
		await ui.type('away lunch');
		await ui.press(keys.enter);
		await ui.waitForFrame('Away (lunch)');
	});

	it('offers the wrap-up codes after a call and records the code and note in history', async () => {
		const {ui} = await start();
		await login(ui);
		await ui.press('r', 'i');
		await advance(2000);
		await ui.waitForFrame(/● Ringing/);
		await ui.press('p');
		await ui.waitForFrame(/● Talking/);
		await ui.press('h');
		await ui.waitForFrame('Wrap-up code for the last call');
		await ui.press(keys.down, keys.enter);
		await ui.waitForFrame('Note (optional) [callback]');
		await ui.type('call back at 5');
		await ui.press(keys.enter);
		await ui.waitForFrame((frame) => !frame.includes('Note (optional)'));
		expect(test!.store.getSnapshot().recentCalls[0]).toMatchObject({
			disposition: 'callback',
			note: 'call back at 5',
		});
		await ui.press(keys.tab, keys.tab);
		await ui.waitForFrame('[callback]');
	});
});
