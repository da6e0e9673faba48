// t(key, values): one vocabulary table per language, the same keys in each (typed).
import type {Language} from '../../config/schema.js';
import {en, type MessageKey} from './en.js';
import {zhCN} from './zh-CN.js';

export type {Language};
export type {MessageKey};
export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

const tables: Record<Language, Record<MessageKey, string>> = {en, 'zh-CN': zhCN};

export function createTranslate(language: Language): Translate {
	const table = tables[language];
	return (key, values) => {
		const text = table[key] ?? en[key];
		return values
			? text.replace(/\{(\w+)\}/g, (match, name: string) => String(values[name] ?? match))
			: text;
	};
}
