import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {act} from 'react';
import {afterEach, describe, expect, it} from 'vitest';
import {hashPassword} from '../../source/config/password.js';
import {App, type AppProps} from '../../source/ui/App.js';
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
	props: Partial<AppProps> = {},
) {
	test = await createTestDesk(overrides, configFile);
	const quits: string[] = [];
	ui = await renderApp(<App desk={test.desk} onExit={(choice) => quits.push(choice)} {...props} />, size);
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
	await app.waitForFrame(' AWAY');
}

/** The agent goes ready, a call rings and is answered: the agent is talking. */
async function talking(app: RenderedApp) {
	await app.press('r', 'i');
	await advance(2000);
	await app.waitForFrame(/☎ RINGING/);
	await app.press('p');
	await app.waitForFrame(/◉ TALKING/);
}

/** A call is answered, then the agent consults `target` (the customer on hold). */
async function consulting(app: RenderedApp, target: string) {
	await talking(app);
	await app.press('t');
	await app.type(target);
	await app.press(keys.enter, 'c');
	await app.waitForFrame(`Consulting ${target}`);
}

/** A call rings, is answered and hung up: the agent is in wrap-up. */
async function oneCall(app: RenderedApp) {
	await talking(app);
	await app.press('h');
	await app.waitForFrame(/✎ WRAP-UP/);
}

describe('the TUI over the real session and simulator', () => {
	it('asks before quitting while a call is up, even when quitting would not log out', async () => {
		const {ui, quits, test: desk} = await start({logoutOnExit: false});
		await login(ui);
		await talking(ui);
		await ui.press('q');
		await ui.waitForFrame('A call is up. Quit anyway?');
		await ui.press('n');
		await ui.waitForFrame((frame) => !frame.includes('A call is up'));
		expect(quits).toEqual([]);
		expect(desk.desk.session.getSnapshot().call).not.toBeNull();
		await ui.press('q');
		await ui.waitForFrame('A call is up. Quit anyway?');
		await ui.press('y');
		expect(quits).toEqual(['stop-logout']);
	});

	it('works a whole inbound call with the default keys: login → ready → ring → answer → hang up → wrap-up → ready', async () => {
		const {ui} = await start();
		expect(ui.lastFrame()).toContain('LOGGED OUT');
		await login(ui);
		await ui.press('r');
		await ui.waitForFrame(/● READY/);
		await ui.press('i');
		await advance(2000);
		const ringing = await ui.waitForFrame(/☎ RINGING/);
		const number = test!.store.getSnapshot().call!.number;
		expect(ringing).toContain(`← Inbound ${number}`);
		await ui.press('p');
		await ui.waitForFrame(/◉ TALKING/);
		const callId = test!.store.getSnapshot().call!.callId;
		expect(ui.lastFrame()).toContain(callId);
		await ui.press('h');
		const wrapUp = await ui.waitForFrame(/✎ WRAP-UP/);
		// The inline wrap-up panel: codes with their digit, not a modal picker.
		expect(wrapUp).toMatch(/1 resolved\s+2 callback/);
		await advance(30_000);
		await ui.waitForFrame(/● READY/);
		expect(ui.lastFrame()).not.toMatch(/1 resolved\s+2 callback/);
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
		await ui.waitForFrame('╭─ Events ');
		// Shift+Tab twice in one write: Events → Links → Pops.
		await ui.press('\u001B[Z\u001B[Z');
		await ui.waitForFrame('No pops yet.');
		await ui.press('\t\t');
		await ui.waitForFrame('╭─ Events ');
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

	it('says on the first screen how to log in and where the config file is', async () => {
		const {ui} = await start();
		const frame = ui.lastFrame();
		expect(frame).toContain('Press l to log in.');
		expect(frame).toContain('user 101, password 101');
	});

	it('dials from the prompt, accepting only phone characters', async () => {
		const {ui} = await start();
		await login(ui);
		await ui.press('d');
		await ui.waitForFrame('Number to dial');
		await ui.type('139x0013-9000');
		expect(ui.lastFrame()).toContain('13900139000');
		await ui.press(keys.enter);
		await ui.waitForFrame(/→ DIALING/);
		expect(test!.store.getSnapshot().call?.number).toBe('13900139000');
		await advance(5000);
		await ui.waitForFrame(/◉ TALKING/);
	});

	it('scrolls a long input so its end stays visible', async () => {
		const {ui} = await start();
		await ui.press(':');
		await ui.type('note ' + 'x'.repeat(90) + 'THE-END');
		const frame = await ui.waitForFrame('THE-END');
		expect(frame).toContain('…x');
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

	it('transfers blind from the target prompt and says so in the status line', async () => {
		const {ui} = await start();
		await login(ui);
		await talking(ui);
		await ui.press('t');
		await ui.waitForFrame('Transfer to');
		await ui.type('8001');
		await ui.press(keys.enter);
		await ui.waitForFrame('blind');
		await ui.press('b');
		await ui.waitForFrame(/✎ WRAP-UP/);
		await ui.waitForFrame('Transferred to 8001.');
		expect(test!.store.getSnapshot().recentCalls[0]).toMatchObject({
			endCause: 'transferred',
			transferTarget: '8001',
			transferMode: 'blind',
		});
	});

	it('offers complete or back-to-customer during a consult, with Esc only closing the menu', async () => {
		const {ui} = await start();
		await login(ui);
		await consulting(ui, '8001');
		await ui.press('t');
		const menu = await ui.waitForFrame('complete the transfer');
		expect(menu).toContain('back to the customer');
		expect(menu).not.toContain('Cancel xfer');
		await ui.press('b');
		await ui.waitForFrame('Back with the customer.');
		expect(test!.store.getSnapshot().call?.consult ?? null).toBeNull();
	});

	it('says "back with the customer" when h ends a consult, and keeps the call', async () => {
		const {ui} = await start();
		await login(ui);
		await consulting(ui, '8001');
		await ui.press('h');
		await ui.waitForFrame('Back with the customer.');
		expect(ui.lastFrame()).not.toContain('Hung up.');
		expect(test!.store.getSnapshot().call).toMatchObject({consult: null});
	});

	it('goes away with a reason picked from the list', async () => {
		const {ui} = await start();
		await login(ui);
		await ui.press('r');
		await ui.press('n');
		await ui.waitForFrame('Why away?');
		await ui.press(keys.down, keys.enter);
		const frame = await ui.waitForFrame('Away (lunch).');
		expect(frame).toMatch(/◑ AWAY[\s\S]*lunch/);
	});

	it('says why a refused key does nothing, in red in the status line', async () => {
		const {ui} = await start();
		await login(ui);
		await ui.press('h');
		await ui.waitForFrame('There is no call to hang up.');
	});

	it('writes every success to the status line, lets it fade, and sends long lines to the Events tab', async () => {
		const {ui} = await start({}, {columns: 80, rows: 24}, undefined, {feedbackMs: 200});
		await login(ui);
		await ui.waitForFrame('Logged in as 101.');
		await ui.press('r');
		await ui.waitForFrame('Ready: calls can come in.');
		// It fades from the status line (the Events panel keeps it).
		await ui.waitForFrame((frame) => !frame.trimEnd().split('\n').at(-1)!.includes('Ready: calls can come in.'));
		// A CRM request refused: its whole line is longer than the terminal.
		const long = `GET /cgi-bin/transfer.cgi?number=8001&url=${'x'.repeat(60)} → 409 Cannot transfer: there is no answered call to transfer, END-OF-LINE`;
		await act(async () => {
			test!.activity.add('warn', 'server', long);
		});
		const cut = await ui.waitForFrame('… (Events tab)');
		const statusLine = cut.trimEnd().split('\n').at(-1)!;
		expect(statusLine).toContain('… (Events tab)');
		expect(statusLine).not.toContain('END-OF-LINE');
		await ui.press('\t\t\t\t\t');
		await ui.waitForFrame('END-OF-LINE');
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
		await ui.waitForFrame('◑ 离席');
		await ui.press('n');
		await ui.waitForFrame('午餐');
	});

	it('keeps every frame below the terminal height, also after a resize, and says when it is too small', async () => {
		const {ui} = await start();
		expect(ui.lastFrame().split('\n').length).toBeLessThanOrEqual(23);
		await ui.resize(100, 24);
		await ui.waitForFrame((frame) => frame.split('\n').length <= 23 && frame.includes('╭─ Queue'));
		await ui.resize(59, 30);
		await ui.waitForFrame('terminal too small (need 60x20)');
		await ui.resize(80, 19);
		await ui.waitForFrame('now 80x19');
		await ui.resize(80, 24);
		await ui.waitForFrame('LOGGED OUT');
	});

	it('opens the settings behind the admin password set by the installer, with labels in sections, and saves atomically', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'ctidesk-ui-'));
		const file = join(dir, 'config.json');
		const {ui} = await start({admin: {passwordHash: hashPassword('secret1')}}, {columns: 80, rows: 24}, file);
		await ui.press('s');
		await ui.waitForFrame('Admin password');
		await ui.type('secret1');
		await ui.press(keys.enter);
		const settings = await ui.waitForFrame('Home page URL');
		expect(settings).toContain('Screen pops');
		expect(settings).not.toContain('pops.home.url');
		expect(settings).toMatch(/↓ 1\/\d+/);
		await ui.press(keys.enter);
		await ui.type('https://crm.example.com/home');
		await ui.press(keys.enter);
		await ui.waitForFrame('unsaved changes');
		// Esc with unsaved edits asks first; any key but y keeps them.
		await ui.press(keys.escape);
		await ui.waitForFrame('Discard the unsaved changes?');
		await ui.press('n');
		await ui.waitForFrame((frame) => !frame.includes('Discard the unsaved'));
		await ui.press('w');
		await ui.waitForFrame('Settings saved');
		expect(JSON.parse(readFileSync(file, 'utf8')).pops.home.url).toBe('https://crm.example.com/home');
		await ui.press(keys.escape);
		await ui.waitForFrame((frame) => !frame.includes('Home page URL'));
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

	it('lists the keys and the : commands in the help overlay and closes it with Esc', async () => {
		const {ui} = await start();
		await ui.press('?');
		const help = await ui.waitForFrame('Esc or ? closes');
		expect(help).toContain('Redraw');
		expect(help).toContain(':dial NUMBER');
		expect(help).toContain(':code');
		await ui.press(keys.escape);
		await ui.waitForFrame((frame) => !frame.includes('Esc or ? closes'));
	});
});

describe('the command line', () => {
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
		await ui.waitForFrame(/→ DIALING/);
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
		await ui.waitForFrame(/● READY/);
		await ui.press(':');
		await ui.type('away lunch');
		await ui.press(keys.enter);
		await ui.waitForFrame('Away (lunch).');
	});
});

describe('wrap-up without a modal', () => {
	it('never takes toolbar keys: after a call the next key reaches the toolbar', async () => {
		const {ui} = await start();
		await login(ui);
		await oneCall(ui);
		// p, l, x, i went into the old modal picker; now they are toolbar keys again.
		await ui.press('i');
		await ui.waitForFrame('Demo call queued.');
	});

	it('codes the call just ended with a digit, and c adds a note', async () => {
		const {ui} = await start();
		await login(ui);
		await oneCall(ui);
		await ui.press('2');
		await ui.waitForFrame('[callback]');
		expect(test!.store.getSnapshot().recentCalls[0]).toMatchObject({disposition: 'callback', note: null});
		await ui.press('c');
		await ui.waitForFrame('Note (optional)');
		await ui.type('call back at 5');
		await ui.press(keys.enter);
		await ui.waitForFrame('call back at 5');
		expect(test!.store.getSnapshot().recentCalls[0]).toMatchObject({disposition: 'callback', note: 'call back at 5'});
	});

	it('closes the wrap-up panel and its code editor when ready.cgi ends the wrap-up; the next key reaches the toolbar', async () => {
		const {ui} = await start();
		await login(ui);
		await oneCall(ui);
		await ui.press('c');
		await ui.waitForFrame('Note (optional)');
		// What ready.cgi does: the same command, from outside the TUI.
		await act(async () => {
			await test!.store.run({type: 'ready'});
		});
		await ui.waitForFrame((frame) => /● READY/.test(frame) && !frame.includes('Note (optional)'));
		expect(ui.lastFrame()).not.toMatch(/1 resolved\s+2 callback/);
		await ui.press('i');
		await ui.waitForFrame('Demo call queued.');
		expect(test!.store.getSnapshot().recentCalls[0]?.disposition ?? null).toBeNull();
	});

	it('codes any History row: select it, then a digit or c with a note', async () => {
		const {ui} = await start({wrapUpSeconds: 0});
		await login(ui);
		await ui.press('r', 'i');
		await advance(2000);
		await ui.waitForFrame(/☎ RINGING/);
		await ui.press('p', 'h');
		await ui.waitForFrame(/● READY/);
		await ui.press('i');
		await advance(2000);
		await ui.waitForFrame(/☎ RINGING/);
		await ui.press('p', 'h');
		await ui.waitForFrame((frame) => /● READY/.test(frame) && test!.store.getSnapshot().recentCalls.length === 2);
		const [newer, older] = test!.store.getSnapshot().recentCalls;
		await ui.press(keys.tab, keys.tab);
		await ui.waitForFrame('╭─ History');
		await ui.press(keys.down);
		await ui.press('3');
		await ui.waitForFrame('[escalated]');
		expect(test!.store.getSnapshot().recentCalls.find((call) => call.callId === older!.callId)?.disposition).toBe('escalated');
		expect(test!.store.getSnapshot().recentCalls.find((call) => call.callId === newer!.callId)?.disposition ?? null).toBeNull();
		await ui.press(keys.up, keys.enter);
		await ui.waitForFrame(`Code for ${newer!.number}`);
		await ui.press(keys.down);
		await ui.type('left a message');
		await ui.press(keys.enter);
		await ui.waitForFrame('Code saved: callback');
		expect(test!.store.getSnapshot().recentCalls.find((call) => call.callId === newer!.callId)).toMatchObject({
			disposition: 'callback',
			note: 'left a message',
		});
	});
});

describe('the contract with the running instance', () => {
	it('asks about a CRM origin while a request is open; a/o/d answer it, and d dials again once it is gone', async () => {
		test = await createTestDesk();
		let request: {id: string; origin: string; verb: string; askedAt: number; expiresAt: number} | null = {
			id: 'req-1',
			origin: 'https://crm.example.com',
			verb: 'call.cgi',
			askedAt: test.clock.now(),
			expiresAt: test.clock.now() + 30_000,
		};
		const listeners = new Set<() => void>();
		const answers: string[] = [];
		test.desk.originRequests = {
			getSnapshot: () => request,
			subscribe: (listener) => {
				listeners.add(listener);
				return () => listeners.delete(listener);
			},
			answer(id, answer) {
				answers.push(`${id}:${answer}`);
				request = null;
				for (const listener of listeners) listener();
			},
		};
		ui = await renderApp(<App desk={test.desk} onExit={() => undefined} />);
		await ui.waitForFrame('wants to control this desk (call.cgi)');
		await ui.press('o');
		await ui.waitForFrame((frame) => !frame.includes('wants to control this desk'));
		expect(answers).toEqual(['req-1:once']);
		await ui.waitForFrame('Allowed once.');
		await login(ui);
		await ui.press('d');
		await ui.waitForFrame('Number to dial');
	});

	it('reads the settings live: a language saved elsewhere shows at once', async () => {
		test = await createTestDesk();
		let settings = test.desk.settings;
		const listeners = new Set<() => void>();
		test.desk.liveSettings = {
			getSnapshot: () => settings,
			subscribe: (listener) => {
				listeners.add(listener);
				return () => listeners.delete(listener);
			},
		};
		ui = await renderApp(<App desk={test.desk} onExit={() => undefined} />);
		await ui.waitForFrame('LOGGED OUT');
		await act(async () => {
			settings = {...settings, language: 'zh-CN'};
			for (const listener of listeners) listener();
		});
		await ui.waitForFrame('未登录');
	});

	it('asks to reconnect after a save that needs it, and reconnects on y', async () => {
		test = await createTestDesk();
		const reconnects: string[] = [];
		test.desk.admin = {
			hasPassword: () => true,
			setPassword: () => ({ok: true}),
			verifyPassword: (plain) => plain === 'admin1',
			fields: () => [{path: 'pbx.driver', value: 'sim', choices: ['sim', 'asterisk']}],
			save: () => ({ok: true, file: '/tmp/config.json', needsReconnect: true}),
			async reconnect() {
				reconnects.push('now');
				return {ok: true};
			},
		};
		ui = await renderApp(<App desk={test.desk} onExit={() => undefined} />);
		await ui.press('s');
		await ui.type('admin1');
		await ui.press(keys.enter);
		await ui.waitForFrame('PBX driver');
		await ui.press(' ', 'w');
		await ui.waitForFrame('reconnect now? (y/n)');
		await ui.press('y');
		await ui.waitForFrame('Reconnected with the new settings.');
		expect(reconnects).toEqual(['now']);
	});
});
