// Events lines and session/PBX-link messages are English sentences where they are made (they
// also go to the log file and headless stdout). The zh-CN screen shows them in Chinese, by
// pattern; a line no pattern knows (a PBX's own words, a request line) is shown as it came.
import type {Language} from './index.js';
import {translateRefusal} from './refusals.js';

const agentStates: Record<string, string> = {
	'logged-out': '未登录',
	'not-ready': '离席',
	ready: '入席',
	ringing: '振铃',
	dialing: '外拨中',
	talking: '通话中',
	held: '保持中',
	'wrap-up': '话后处理',
};

const causes: Record<string, string> = {
	'customer-hangup': '客户挂机',
	'agent-hangup': '席位挂机',
	transferred: '已转接',
	'no-answer': '无应答',
	busy: '忙',
	'invalid-number': '空号',
	failed: '失败',
	'connection-lost': '连接断开',
};

const fixed: Record<string, string> = {
	'PBX connected': '交换机已连接',
	'Call on hold': '呼叫已保持',
	'Call resumed': '呼叫已恢复',
	'Consult answered': '咨询已接通',
	'Consult ended': '咨询结束',
	Muted: '已静音',
	Unmuted: '已取消静音',
	'Wrap-up started': '话后处理开始',
	'Wrap-up ended': '话后处理结束',
	Answered: '已接听',
};

const patterns: Array<[RegExp, (...groups: string[]) => string]> = [
	[/^PBX disconnected(?:: (.*))?$/, (why) => `交换机连接断开${why ? `：${why}` : ''}`],
	[/^PBX: agent (\S+)(?: \((.*)\))?$/, (state, reason) => `交换机：席位${agentStates[state!] ?? state}${reason ? `（${reason}）` : ''}`],
	[
		/^Logged in as (\S+) \(agent (\S+), emp (\S+), groups (.*)\)$/,
		(user, agent, emp, groups) => `已登录：${user}（席位 ${agent}，工号 ${emp}，席位组 ${groups}）`,
	],
	[/^Ringing: (\S+) in group (\S+) \(call (\S+)\)$/, (number, group, call) => `振铃：${number}，席位组 ${group}（呼叫 ${call}）`],
	[/^Dialing (\S+) \(call (\S+)\)$/, (number, call) => `外拨 ${number}（呼叫 ${call}）`],
	[/^Answered: (.*)$/, (number) => `已接听：${number}`],
	[/^Consulting (.*)$/, (target) => `咨询 ${target}`],
	[/^Transferred \((blind|consult)\) to (.*)$/, (mode, target) => `已转接（${mode === 'blind' ? '盲转' : '咨询转'}）到 ${target}`],
	[
		/^Call ended: (\S+)(?: \((\S+), call (\S+)\))?$/,
		(cause, number, call) => `呼叫结束：${causes[cause!] ?? cause}${number ? `（${number}，呼叫 ${call}）` : ''}`,
	],
	[/^Three-way call with (.*)$/, (party) => `与 ${party} 三方通话`],
	[/^(.*) left the three-way call$/, (party) => `${party} 离开三方通话`],
	[/^DTMF sent: (.*)$/, (digits) => `已发送 DTMF：${digits}`],
	[/^Call (\S+) coded "(.*)" \(note: (.*)\)$/, (call, code, note) => `呼叫 ${call} 话后代码“${code}”（备注：${note}）`],
	[/^Call (\S+) coded "(.*)"$/, (call, code) => `呼叫 ${call} 话后代码“${code}”`],
	[/^Local API on (\S+)(.*)$/, (url, rest) => `本地接口：${url}${rest}`],
	[/^Local API off: port (\d+) is in use.*$/, (port) => `本地接口关闭：端口 ${port} 已被占用（另一个 ctidesk？）。请停止该程序，或使用 --port 指定其他端口。`],
	[/^Local API off: port (\d+) needs privileges.*$/, (port) => `本地接口关闭：端口 ${port} 需要特权。请使用 --port 8180 等端口。`],
	[/^Local API off: (.*)$/, (why) => `本地接口关闭：${why}`],
	[/^Created (.*) with the defaults \(demo agent 101 \/ 101\)\.$/, (file) => `已用默认值创建 ${file}（演示席位 101 / 密码 101）。`],
	[/^WebSocket client connected(.*)$/, (rest) => `WebSocket 客户端已连接${rest}`],
	[/^WebSocket client disconnected(.*)$/, (rest) => `WebSocket 客户端已断开${rest}`],
	// The Asterisk driver's reconcile, failed consults and a desk left alone (issue 12).
	[/^Consult ended: (.+) could not be reached; back with the customer\.$/, (target) => `咨询结束：无法接通 ${target}，已回到客户通话`],
	[/^Consult ended: Asterisk could not start the consult to (.+); back with the customer\.$/, (target) => `咨询结束：交换机无法发起对 ${target} 的咨询，已回到客户通话`],
	[/^Consult ended: (.+) hung up; back with the customer\.$/, (target) => `咨询结束：${target} 已挂机，已回到客户通话`],
	[/^Wrap-up ended: its time ran out while the PBX was unreachable$/, () => '话后处理结束：交换机断开期间已到时'],
	[/^Reconciled with the PBX: (.*)$/, (changes) => `已与交换机同步：${changes!.split('; ').map(translateChange).join('；')}`],
	[/^Terminal lost: paused \(desk closed\)$/, () => '终端已关闭：已置为离席（desk closed）'],
	[/^Terminal lost: logged out or paused \(call up\)$/, () => '终端已关闭：已注销（通话中则置为离席）'],
	[/^Quit with a call up: paused \(desk closed\)$/, () => '通话中退出：已置为离席（desk closed）'],
];

/** One change of a "Reconciled with the PBX" line (session/describe-event.ts). */
function translateChange(change: string): string {
	const rules: Array<[RegExp, (...groups: string[]) => string]> = [
		[/^re-added to (\S+), paused(?: \((.*)\))?$/, (queue, reason) => `重新加入队列 ${queue}，离席${reason ? `（${reason}）` : ''}`],
		[/^re-added to (\S+), ready$/, (queue) => `重新加入队列 ${queue}，入席`],
		[/^paused again in (\S+)(?: \((.*)\))?$/, (queue, reason) => `在队列 ${queue} 重新置为离席${reason ? `（${reason}）` : ''}`],
		[/^unpaused in (\S+)$/, (queue) => `在队列 ${queue} 恢复入席`],
		[/^took over the call with (.*) already up$/, (number) => `接管已在进行的通话 ${number}`],
	];
	for (const [pattern, render] of rules) {
		const match = pattern.exec(change);
		if (match) return render(...match.slice(1).map((group) => group ?? ''));
	}
	return change;
}

export function translateActivity(text: string, language: Language): string {
	if (language === 'en') return text;
	const known = fixed[text];
	if (known) return known;
	for (const [pattern, render] of patterns) {
		const match = pattern.exec(text);
		if (match) return render(...match.slice(1).map((group) => group ?? ''));
	}
	return translateRefusal(text, language);
}
