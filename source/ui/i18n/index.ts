// t(key, values): one vocabulary table per language, the same keys in each (typed).
import type {Language} from '../../config/schema.js';
import {en, type MessageKey} from './en.js';
import {zhCN} from './zh-CN.js';

export type {Language};
export type {MessageKey};
export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

const tables: Record<Language, Record<MessageKey, string>> = {en, 'zh-CN': zhCN};

/** A key made from data (an event's source, a pop's outcome): its text, or the data itself when unknown. */
export function translateKey(t: Translate, key: string, fallback: string): string {
	return key in en ? t(key as MessageKey) : fallback;
}

export function createTranslate(language: Language): Translate {
	const table = tables[language];
	return (key, values) => {
		const text = table[key] ?? en[key];
		return values
			? text.replace(/\{(\w+)\}/g, (match, name: string) => String(values[name] ?? match))
			: text;
	};
}
