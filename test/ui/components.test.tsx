// Each component alone, rendered to a string at a fixed width (renderToString, Ink 6.8), in
// English and Chinese: what it shows, and that no line is wider than asked (wide characters
// counted).
import {renderToString} from 'ink';
import type {ReactElement} from 'react';
import {describe, expect, it} from 'vitest';
import type {CallRecord} from '../../source/core/types.js';
import {Banner} from '../../source/ui/components/banner.js';
import {CodeEditor} from '../../source/ui/components/code-editor.js';
import {EventLog} from '../../source/ui/components/event-log.js';
import {HelpOverlay} from '../../source/ui/components/help-overlay.js';
import {HistoryTable} from '../../source/ui/components/history-table.js';
import {OriginPrompt} from '../../source/ui/components/origin-prompt.js';
import {Panel} from '../../source/ui/components/panel.js';
import {Prompt, visibleTail} from '../../source/ui/components/prompt.js';
import {QueueTable, withoutRinging} from '../../source/ui/components/queue-table.js';
import {SettingsScreen} from '../../source/ui/components/settings-screen.js';
import {fitStatus, StatusLine} from '../../source/ui/components/status-line.js';
import {StatusPanel} from '../../source/ui/components/status-panel.js';
import {TabRow} from '../../source/ui/components/tab-row.js';
import {TooSmall} from '../../source/ui/components/too-small.js';
import {WrapUpPanel} from '../../source/ui/components/wrap-up-panel.js';
import {Text} from 'ink';
import {createTranslate} from '../../source/ui/i18n/index.js';
import {createLabel} from '../../source/ui/i18n/labels.js';
import {createKeymap} from '../../source/ui/keymap.js';
import {displayWidth} from '../../source/ui/text-width.js';
import {settingsFields} from '../../source/desk.js';
import {defaultConfig} from '../../source/config/schema.js';
import {at, start} from '../core/session-fixtures.js';

const widths = [80, 120];
const languages = ['en', 'zh-CN'] as const;

function draw(element: ReactElement, columns: number): string {
	const text = renderToString(element, {columns});
	for (const line of text.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(columns);
	return text;
}

const record = (overrides: Partial<CallRecord> = {}): CallRecord => ({
	callId: '20261125090000001',
	origin: 1,
	number: '13800138000',
	callerId: '13800138000',
	calledId: '801',
	groupId: '1',
	agentId: '1',
	empId: '001',
	startedAt: at(0),
	answeredAt: at(5),
	endedAt: at(65),
	heldMs: 0,
	endCause: 'customer-hangup',
	transferTarget: null,
	transferMode: null,
	disposition: null,
	note: null,
	...overrides,
});

describe.each(languages)('components in %s', (language) => {
	const t = createTranslate(language);
	const label = createLabel(language);

	describe.each(widths)('at %i columns', (width) => {
		it('Banner: the state on three rows; the number in big digits while a call rings', () => {
			const ringing = draw(<Banner session={start('ringing')} now={at(12)} t={t} width={width} colour />, width);
			const lines = ringing.split('\n');
			expect(lines).toHaveLength(3);
			expect(lines[0]).toContain(language === 'en' ? '☎ RINGING' : '☎ 振铃');
			expect(lines[0]).toContain('╶┐  ╶─┐');
			expect(lines[2]).toContain('←');
			const ready = draw(<Banner session={start('ready')} now={at(70)} t={t} width={width} colour={false} />, width);
			expect(ready).toContain(language === 'en' ? '● READY' : '● 入席');
			expect(ready).toMatch(language === 'en' ? /for \d+:\d\d/ : /已持续 \d+:\d\d/);
		});

		it('Banner: wrap-up shows only what is left of it', () => {
			const text = draw(<Banner session={start('wrap-up')} now={at(45)} t={t} width={width} colour />, width);
			expect(text.split('\n')[1]?.trim()).toMatch(language === 'en' ? /^left \d+:\d\d$/ : /^剩余 \d+:\d\d$/);
		});

		it('StatusPanel: agent, PBX link, local API and the shift', () => {
			const text = draw(
				<StatusPanel
					session={start('talking')}
					server={{on: false, port: null, message: 'port 180 in use'}}
					pendingPops={2}
					now={at(40)}
					t={t}
					width={width}
				/>,
				width,
			);
			expect(text).toContain('101 (1/001)');
			expect(text).toContain(language === 'en' ? 'API off' : '接口 关闭');
		});

		it('Panel: the title sits in the top border', () => {
			const text = draw(
				<Panel title={t('tab.queue')} width={width} height={4}>
					<Text>inside</Text>
				</Panel>,
				width,
			);
			expect(text.split('\n')[0]).toMatch(/^╭─ (Queue|队列) ─+╮$/);
			expect(text.split('\n')).toHaveLength(4);
		});

		it('QueueTable: the ringing caller once, highlighted, not again in the list', () => {
			const session = start('ringing');
			const call = session.call!;
			const entries = [
				{id: call.pbxCallId, number: call.number, groupId: '1', waitingSince: at(0)},
				{id: 'q2', number: '13900000002', groupId: '1', waitingSince: at(1)},
			];
			const text = draw(<QueueTable entries={entries} ringing={call} now={at(20)} t={t} width={width} height={6} />, width);
			expect(text.split(call.number)).toHaveLength(2);
			expect(text).toContain('13900000002');
			expect(withoutRinging(entries, call)).toHaveLength(1);
		});

		it('HistoryTable: the selected row is marked, codes show with their label', () => {
			const records = [record(), record({callId: '20261125090000002', number: '13900000002', disposition: 'resolved'})];
			const text = draw(<HistoryTable records={records} selected={1} label={label} t={t} width={width} height={6} />, width);
			expect(text).toMatch(/›\d\d:\d\d:\d\d\s+← 13900000002/);
			expect(text).toContain(language === 'en' ? '[resolved]' : '[已解决]');
			expect(text).toContain(language === 'en' ? '[no code]' : '[未填代码]');
		});

		it('WrapUpPanel: the codes with their digits and the code key', () => {
			const text = draw(
				<WrapUpPanel call={record({disposition: 'callback'})} codes={['resolved', 'callback']} label={label} codeKey="c" t={t} width={width} />,
				width,
			);
			expect(text).toContain(language === 'en' ? '1 resolved  2 callback' : '1 已解决  2 待回电');
			expect(text).toContain(language === 'en' ? '[callback]' : '[待回电]');
		});

		it('CodeEditor: codes in a row, the note with its end visible', () => {
			const text = draw(
				<CodeEditor
					number="13800138000"
					callId="20261125090000001"
					codes={['resolved', 'callback']}
					selected={1}
					note={'a'.repeat(200) + 'END'}
					error={null}
					label={label}
					t={t}
					width={width}
				/>,
				width,
			);
			expect(text).toContain(language === 'en' ? '›callback' : '›待回电');
			expect(text).toContain('aEND');
		});

		it('Prompt: a long value scrolls so its end stays visible', () => {
			const text = draw(<Prompt label="Number to dial" value={'9'.repeat(150) + '12345'} hint="hint" width={width} />, width);
			expect(text).toContain('…');
			expect(text).toContain('12345');
		});

		it('OriginPrompt: who asks, for what, and the three answers', () => {
			const text = draw(
				<OriginPrompt
					request={{id: 'r1', origin: 'https://crm.example.com', verb: 'call.cgi', askedAt: at(0), expiresAt: at(30)}}
					now={at(5)}
					t={t}
					width={width}
				/>,
				width,
			);
			const flat = text.replace(/[│╭╮╰╯─]/g, '').replace(/\s+/g, ' ');
			expect(flat).toContain(
				language === 'en'
					? 'crm.example.com wants to control this desk (call.cgi): [a]llow always / allow [o]nce / [d]eny'
					: 'crm.example.com 请求控制此席位（call.cgi）：',
			);
			expect(flat).toContain('(25s)');
		});

		it('SettingsScreen: readable labels in sections, the position, the discard question', () => {
			const fields = settingsFields(defaultConfig());
			const text = draw(
				<SettingsScreen fields={fields} selected={0} editing={null} message={null} dirty confirmDiscard t={t} width={width} height={14} />,
				width,
			);
			expect(text).toContain(language === 'en' ? 'Home page URL' : '主页地址');
			expect(text).toContain(language === 'en' ? 'Screen pops' : '弹屏');
			expect(text).toContain(`↓ 1/${fields.length}`);
			expect(text).toContain(language === 'en' ? 'Discard the unsaved changes?' : '放弃未保存的修改？');
			expect(text).not.toContain('pops.home.url');
		});

		it('HelpOverlay: keys and : commands', () => {
			const text = draw(<HelpOverlay bindings={createKeymap()} t={t} width={width} />, width);
			expect(text).toContain(':dial NUMBER');
			expect(text).toContain(':code DISPOSITION');
			expect(text).toContain('^L');
		});

		it('StatusLine and EventLog: a long message is cut with a pointer, the log wraps it whole', () => {
			const long = `${'word '.repeat(40)}END`;
			const line = draw(<StatusLine text={long} level="error" width={width} more={t('status.more')} />, width);
			expect(line).toContain(t('status.more'));
			expect(line).not.toContain('END');
			const log = draw(
				<EventLog entries={[{id: 1, at: at(0), level: 'warn', source: 'server', text: long}]} t={t} width={width} height={6} />,
				width,
			);
			expect(log).toContain('END');
		});

		it('TabRow and TooSmall', () => {
			const tabs = draw(<TabRow tab="history" queueLength={3} t={t} width={width} />, width);
			expect(tabs).toContain(language === 'en' ? 'Queue (3)' : '队列 (3)');
			const small = draw(<TooSmall columns={50} rows={15} t={t} />, width);
			expect(small).toContain(language === 'en' ? 'terminal too small (need 60x20)' : '终端太小（至少需要 60x20）');
		});
	});
});

describe('text fitting', () => {
	it('keeps the end of a long value, counting wide characters', () => {
		expect(visibleTail('12345', 10)).toBe('12345');
		expect(visibleTail('1234567890abc', 6)).toBe('…90abc');
		expect(displayWidth(visibleTail('中文中文中文', 5))).toBeLessThanOrEqual(5);
	});

	it('ends a cut status message with the pointer to the Events tab', () => {
		expect(fitStatus('short', 20, '… (Events tab)')).toBe('short');
		const cut = fitStatus('x'.repeat(50), 30, '… (Events tab)');
		expect(cut.endsWith('… (Events tab)')).toBe(true);
		expect(displayWidth(cut)).toBeLessThanOrEqual(30);
	});
});
