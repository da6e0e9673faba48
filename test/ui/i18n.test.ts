import {describe, expect, it} from 'vitest';
import {describeEvent} from '../../source/session/describe-event.js';
import {translateActivity} from '../../source/ui/i18n/activity.js';
import {en} from '../../source/ui/i18n/en.js';
import {createLabel} from '../../source/ui/i18n/labels.js';
import {zhCN} from '../../source/ui/i18n/zh-CN.js';
import {start} from '../core/session-fixtures.js';

describe('the vocabularies', () => {
	it('zh-CN has every key of en, and none of its texts is left in English', () => {
		expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
		const untranslated = Object.entries(zhCN).filter(
			([key, text]) => text === en[key as keyof typeof en] && /[a-z]{4,}/i.test(text) && !/^(app\.title|label\.pbx|label\.api)$/.test(key),
		);
		// Keys whose text is a product name, a flag or a command are the same in both.
		expect(untranslated.map(([key]) => key).filter((key) => !['label.position', 'tab.hint'].includes(key))).toEqual([]);
	});
});

describe('Events lines in Chinese', () => {
	const next = start('talking');
	it.each([
		[{type: 'connection-changed', connected: true}, '交换机已连接'],
		[{type: 'connection-changed', connected: false, message: 'Authentication failed'}, '交换机连接断开：Authentication failed'],
		[{type: 'call-held'}, '呼叫已保持'],
		[{type: 'call-transferred', mode: 'blind', target: '8001'}, '已转接（盲转）到 8001'],
		[{type: 'wrap-up-started'}, '话后处理开始'],
		[{type: 'disposition-set', callId: '1', disposition: 'resolved', note: null}, '呼叫 1 话后代码“resolved”'],
		[{type: 'consult-ended', reason: '104 could not be reached; back with the customer.'}, '咨询结束：无法接通 104，已回到客户通话'],
		[
			{type: 'consult-ended', reason: 'Asterisk could not start the consult to 102; back with the customer.'},
			'咨询结束：交换机无法发起对 102 的咨询，已回到客户通话',
		],
		[{type: 'wrap-up-ended', expired: true}, '话后处理结束：交换机断开期间已到时'],
		[
			{
				type: 'pbx-reconciled',
				changes: [
					{what: 'member-added', queue: 'support', paused: true, reason: 'wrap-up'},
					{what: 'member-paused', queue: 'sales', reason: 'wrap-up'},
					{what: 'call-adopted', number: '13900139055'},
				],
			},
			'已与交换机同步：重新加入队列 support，离席（wrap-up）；在队列 sales 重新置为离席（wrap-up）；接管已在进行的通话 13900139055',
		],
	] as const)('%o', (event, expected) => {
		const text = describeEvent({at: 0, seq: 1, pbxCallId: 'x', ...event} as never, next);
		expect(text).not.toBeNull();
		expect(translateActivity(text!, 'zh-CN')).toBe(expected);
		expect(translateActivity(text!, 'en')).toBe(text);
	});

	it('fixes nothing it does not know: a PBX message stays as it came', () => {
		expect(translateActivity('Asterisk said no', 'zh-CN')).toBe('Asterisk said no');
	});

	it('the local API line translated once, never "Local API off: Local API off:"', () => {
		const line = 'Local API off: port 180 needs privileges. Use --port 8180, or sudo setcap.';
		expect(translateActivity(line, 'zh-CN')).toBe('本地接口关闭：端口 180 需要特权。请使用 --port 8180 等端口。');
		expect(translateActivity(line, 'en').match(/Local API off/g)).toHaveLength(1);
	});
});

describe('labels of reasons and codes', () => {
	it('config labels first, then the built-in ones, else the id', () => {
		const label = createLabel('zh-CN', {'zh-CN': {lunch: '午饭'}});
		expect(label('lunch')).toBe('午饭');
		expect(label('break')).toBe('休息');
		expect(label('custom-reason')).toBe('custom-reason');
		expect(createLabel('en')('lunch')).toBe('lunch');
	});
});
