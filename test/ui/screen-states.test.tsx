// The whole screen in each agent state, at 80x24 and 120x40, in English and Chinese: the banner
// names the state, the customer's number is on the screen while a call is up (in big digits in
// the banner where it fits), no line is wider than the terminal (wide characters counted) and
// the frame stays below the terminal's height (INK-PITFALLS 1).
import {stripVTControlCharacters} from 'node:util';
import {act} from 'react';
import {afterEach, describe, expect, it} from 'vitest';
import type {AgentState} from '../../source/core/types.js';
import {App} from '../../source/ui/App.js';
import {bigDigits} from '../../source/ui/big-digits.js';
import {displayWidth} from '../../source/ui/text-width.js';
import {renderApp, type RenderedApp} from '../helpers/render-app.js';
import {createTestDesk, type TestDesk} from '../helpers/test-desk.js';

let ui: RenderedApp | null = null;
let test: TestDesk | null = null;

afterEach(async () => {
	ui?.unmount();
	ui = null;
	await test?.store.stop();
	test = null;
});

type Shown = AgentState | 'consult';

/** Drives the real session to a state through its commands (what keys and CRM links send). */
async function reach(desk: TestDesk, target: Shown) {
	const run = async (command: Parameters<TestDesk['store']['run']>[0]) => {
		await act(async () => {
			const result = await desk.store.run(command);
			if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
		});
	};
	const advance = async (ms: number) => {
		await act(async () => {
			desk.clock.advance(ms);
		});
	};
	if (target === 'logged-out') return;
	await run({type: 'login', user: '101', password: '101'});
	if (target === 'not-ready') return run({type: 'away', reason: 'lunch'});
	await run({type: 'ready'});
	if (target === 'ready') return;
	if (target === 'dialing') {
		await run({type: 'away', reason: 'break'});
		return run({type: 'dial', number: '13800138000'});
	}
	await run({type: 'inject-call'});
	await advance(2000);
	if (target === 'ringing') return;
	await run({type: 'answer'});
	await advance(5000);
	if (target === 'talking') return;
	if (target === 'held') return run({type: 'hold'});
	if (target === 'consult') return run({type: 'transfer', target: '8001', mode: 'consult'});
	if (target === 'wrap-up') return run({type: 'hangup'});
}

const bannerWord: Record<'en' | 'zh-CN', Record<Shown, string>> = {
	en: {
		'logged-out': '○ LOGGED OUT',
		'not-ready': '◑ AWAY',
		ready: '● READY',
		ringing: '☎ RINGING',
		dialing: '→ DIALING',
		talking: '◉ TALKING',
		held: '‖ ON HOLD',
		consult: '⇄ CONSULT',
		'wrap-up': '✎ WRAP-UP',
	},
	'zh-CN': {
		'logged-out': '○ 未登录',
		'not-ready': '◑ 离席',
		ready: '● 入席',
		ringing: '☎ 振铃',
		dialing: '→ 外拨中',
		talking: '◉ 通话中',
		held: '‖ 保持中',
		consult: '⇄ 咨询',
		'wrap-up': '✎ 话后处理',
	},
};

const states: Shown[] = ['logged-out', 'ready', 'ringing', 'talking', 'held', 'consult', 'wrap-up', 'not-ready', 'dialing'];
const sizes = [
	{columns: 80, rows: 24},
	{columns: 120, rows: 40},
];

describe.each(['en', 'zh-CN'] as const)('the whole screen in %s', (language) => {
	describe.each(sizes)('at $columns x $rows', ({columns, rows}) => {
		it.each(states)('%s', async (state) => {
			test = await createTestDesk({language});
			ui = await renderApp(<App desk={test.desk} onExit={() => undefined} />, {columns, rows});
			await reach(test, state);
			const word = bannerWord[language][state];
			const frame = stripVTControlCharacters(await ui.waitForFrame(word));
			const lines = frame.split('\n');
			// The banner is the first three rows, the state word on the first.
			expect(lines[0]).toContain(word);
			expect(lines.length).toBeLessThan(rows);
			for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(columns);
			const snapshot = test.store.getSnapshot();
			const number = snapshot.call?.number;
			if (['ringing', 'talking', 'held', 'consult', 'dialing'].includes(state)) {
				expect(number).toBeTruthy();
				const big = bigDigits(number!)!;
				// The number's row: big digits on the banner's three rows, and in the Call panel.
				expect(lines[0]).toContain(big[0]);
				expect(lines[1]).toContain(big[1]);
				expect(lines[2]).toContain(big[2]);
				expect(frame).toContain(number);
				expect(lines[2]).toContain(state === 'dialing' ? '→' : state === 'consult' ? '⇄ 8001' : '←');
			}
			if (state === 'talking') expect(lines[1]).toMatch(language === 'en' ? /call \d+:\d\d/ : /通话 \d+:\d\d/);
			if (state === 'held') expect(lines[1]).toMatch(language === 'en' ? /on hold \d+:\d\d · call \d+:\d\d/ : /保持 \d+:\d\d · 通话 \d+:\d\d/);
			if (state === 'consult') expect(lines[1]).toMatch(language === 'en' ? /consult \d+:\d\d/ : /咨询 \d+:\d\d/);
			if (state === 'wrap-up') {
				// One timer, what is left of the wrap-up; not "0:00 0:29 left".
				expect(lines[1]).toMatch(language === 'en' ? /^ left 0:30\s*$/ : /^ 剩余 0:30\s*$/);
				expect(frame).toContain(language === 'en' ? '1 resolved' : '1 已解决');
			}
			if (state === 'not-ready') expect(lines[2]).toContain(language === 'en' ? 'lunch' : '午餐');
			if (state === 'ringing') {
				const written = ui.stdout.sequences.join('');
				expect(written).toContain('\u0007');
				expect(written).toContain(`\u001B]777;notify;ctidesk;${language === 'en' ? 'Incoming call from' : '来电：'}`);
				expect(written).toContain(`\u001B]9;`);
				expect(written).toContain(`\u001B]2;☎ ${number}\u0007`);
			} else if (['logged-out', 'ready', 'not-ready', 'dialing'].includes(state))
				expect(ui.stdout.sequences.join('')).not.toContain('\u0007');
			if (columns >= 100) expect(frame).toContain(language === 'en' ? '╭─ Queue' : '╭─ 队列');
			if (rows >= 30) expect(frame).toMatch(language === 'en' ? /╭─ Events/ : /╭─ 事件/);
		});
	});
});

describe('the ring', () => {
	it('writes nothing to the terminal when bell, notification and title are off in the config', async () => {
		test = await createTestDesk({ring: {bell: false, notify: false, title: false}});
		test.desk.settings = {...test.desk.settings, ring: {bell: false, notify: false, title: false}};
		ui = await renderApp(<App desk={test.desk} onExit={() => undefined} />);
		await reach(test, 'ringing');
		await ui.waitForFrame('☎ RINGING');
		expect(ui.stdout.sequences).toEqual([]);
	});

	it('restores the window title when the ring ends, and wraps notifications for tmux', async () => {
		test = await createTestDesk();
		ui = await renderApp(<App desk={test.desk} onExit={() => undefined} terminal={{colour: true, tmux: true}} />);
		await reach(test, 'talking');
		await ui.waitForFrame('◉ TALKING');
		const written = ui.stdout.sequences.join('');
		expect(written).toContain('\u001BPtmux;\u001B\u001B]777;notify;');
		expect(written).toContain(`\u001Bk☎ ${test.store.getSnapshot().call!.number}\u001B\\`);
		expect(written).toContain('\u001B[23;0t\u001Bkctidesk\u001B\\');
	});
});
