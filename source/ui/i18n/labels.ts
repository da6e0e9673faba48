// Labels of not-ready reasons and wrap-up codes. The config keeps ids ("lunch"), which are what
// the PBX, the CRM and the history see; the screen shows a label in the agent's language: from
// the config's `labels` ({"zh-CN": {"lunch": "午饭"}}), else the built-in one for a default id,
// else the id itself.
import type {Language} from './index.js';

export type LabelTable = Partial<Record<Language, Record<string, string>>>;

const builtIn: Record<Language, Record<string, string>> = {
	en: {'no-action': 'no action', 'ring-no-answer': 'ring not answered'},
	'zh-CN': {
		break: '休息',
		lunch: '午餐',
		meeting: '会议',
		training: '培训',
		resolved: '已解决',
		callback: '待回电',
		escalated: '已升级',
		'no-action': '无需处理',
		'ring-no-answer': '振铃未接',
		'desk closed': '客户端已关闭',
	},
};

export function createLabel(language: Language, configured: LabelTable = {}): (id: string) => string {
	const own = configured[language] ?? {};
	const fallback = builtIn[language];
	return (id) => own[id] ?? fallback[id] ?? id;
}
