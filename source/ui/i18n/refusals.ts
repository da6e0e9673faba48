// The session's refusals are English sentences (they also go to CRM pages and scripts as JSON).
// The zh-CN TUI shows them in Chinese: the fixed sentences by table, the few with a value by
// pattern. An unknown message (a PBX's own words) is shown as it came.
import type {Language} from './index.js';

const fixed: Record<string, string> = {
	'A consult transfer is already in progress.': '已有咨询转接在进行中。',
	'Already logged in.': '已经登录。',
	'Already logged out.': '已经注销。',
	'Already muted.': '已经静音。',
	'Already ready.': '已经入席。',
	'Cannot dial while a call is up.': '通话中不能外拨。',
	'Cannot hold during a consult transfer.': '咨询转接中不能保持。',
	'Consult someone first (transfer → consult), then merge them in.':
		'请先咨询（转接 → 咨询），再合并为三方通话。',
	'DTMF digits are 0-9, *, # and A-D (at most 32).': 'DTMF 只能是 0-9、*、# 和 A-D（最多 32 位）。',
	'DTMF needs an answered call.': '发送 DTMF 需要已接通的呼叫。',
	'Finish or cancel the consult transfer first.': '请先完成或取消咨询转接。',
	'Give a number to dial.': '请输入要呼叫的号码。',
	'Give a number to transfer the call to.': '请输入转接号码。',
	'Give a reason for going not ready.': '请选择离席原因。',
	'Hang up the call before logging out.': '请先挂机再注销。',
	'Log in before dialling.': '请先登录再外拨。',
	'No call is ringing.': '没有振铃的呼叫。',
	'Not muted.': '未静音。',
	'Pick a wrap-up code.': '请选择话后代码。',
	'The call is already on hold.': '呼叫已在保持中。',
	'The call is not on hold.': '呼叫未保持。',
	'There is no answered call to transfer.': '没有可转接的已接通呼叫。',
	'There is no call to hang up.': '没有可挂断的呼叫。',
	'There is no call to hold.': '没有可保持的呼叫。',
	'There is no call to mute.': '没有可静音的呼叫。',
	'There is no consult transfer to cancel.': '没有可取消的咨询转接。',
	'There is no consult transfer to complete.': '没有可完成的咨询转接。',
	'There is no finished call to code.': '没有可填写话后代码的呼叫。',
	'This PBX cannot dial out.': '此交换机不能外拨。',
	'This PBX cannot inject demo calls (simulator only).': '此交换机不能模拟来电（仅模拟器）。',
	'This PBX cannot make three-way calls.': '此交换机不能三方通话。',
	'This PBX cannot mute from ctidesk.': '此交换机不能从 ctidesk 静音。',
	'This PBX cannot put calls on hold.': '此交换机不能保持呼叫。',
	'This PBX cannot send DTMF from ctidesk.': '此交换机不能从 ctidesk 发送 DTMF。',
	'This phone cannot be answered from ctidesk: lift the handset.':
		'此话机不能从 ctidesk 接听：请摘机。',
	'Wrong user or password.': '用户名或密码错误。',
};

const actions: Record<string, string> = {'go ready': '入席', 'go not ready': '离席', dial: '外拨'};
const states: Record<string, string> = {
	'logged out': '未登录',
	'not ready': '离席',
	ready: '入席',
	ringing: '振铃',
	dialing: '外拨',
	talking: '通话',
	'on hold': '保持',
	'in wrap-up': '话后处理',
};

const patterns: Array<[RegExp, (...groups: string[]) => string | null]> = [
	[/^Already not ready \((.*)\)\.$/, (reason) => `已经离席（${reason}）。`],
	[
		/^Cannot (go ready|go not ready|dial) while (.+)\.$/,
		(action, state) =>
			actions[action!] && states[state!] ? `${states[state!]}时不能${actions[action!]}。` : null,
	],
	[/^Not connected to the PBX(?:: (.*))?\.$/, (why) => `未连接交换机${why ? `：${why}` : ''}。`],
	[
		/^This PBX cannot do a (blind|consult) transfer\.$/,
		(mode) => `此交换机不能${mode === 'blind' ? '盲转' : '咨询转接'}。`,
	],
];

export function translateRefusal(message: string, language: Language): string {
	if (language === 'en') return message;
	const known = fixed[message];
	if (known) return known;
	for (const [pattern, render] of patterns) {
		const match = pattern.exec(message);
		if (match) return render(...match.slice(1).map((group) => group ?? '')) ?? message;
	}
	return message;
}
