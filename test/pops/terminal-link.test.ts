import {describe, expect, it} from 'vitest';
import {osc52, osc8, stripControlCharacters} from '../../source/pops/terminal-link.js';

const ESC = '\u001B';

describe('osc8', () => {
	it('wraps the text in an OSC 8 hyperlink to the URL, closed with ST', () => {
		expect(osc8('http://crm/p?a=1&b=2', 'ring pop')).toBe(`${ESC}]8;;http://crm/p?a=1&b=2${ESC}\\ring pop${ESC}]8;;${ESC}\\`);
	});

	it('shows the URL itself, in full, when no text is given', () => {
		const url = 'http://crm.example.com/pop?origin=1&callid=20091128101010001&number=%2B8613800138000&sid=ABC';
		expect(osc8(url)).toContain(`${ESC}\\${url}${ESC}]8;;`);
	});

	it('strips control characters that could end the sequence early and inject terminal commands', () => {
		const hostile = `http://crm/p?x=1${ESC}]8;;http://evil${ESC}\\\u0007\u009B2J\r\n\u0000`;
		const link = osc8(hostile, `text${ESC}[2J`);
		// Only the four escapes of the link itself remain.
		expect(link.split(ESC)).toHaveLength(5);
		expect(link).toBe(`${ESC}]8;;http://crm/p?x=1]8;;http://evil\\2J${ESC}\\text[2J${ESC}]8;;${ESC}\\`);
	});
});

describe('osc52', () => {
	it('sets the clipboard to the base64 of the text', () => {
		const url = 'http://crm/p?number=%2B86&name=张三';
		const sequence = osc52(url);
		expect(sequence.startsWith(`${ESC}]52;c;`)).toBe(true);
		expect(sequence.endsWith(`${ESC}\\`)).toBe(true);
		const payload = sequence.slice(`${ESC}]52;c;`.length, -2);
		expect(Buffer.from(payload, 'base64').toString('utf8')).toBe(url);
	});

	it('copies the URL without control characters', () => {
		const payload = osc52(`http://a/\u0007b\u001Bc`).slice(7, -2);
		expect(Buffer.from(payload, 'base64').toString('utf8')).toBe('http://a/bc');
	});
});

describe('stripControlCharacters', () => {
	it('removes C0, DEL and C1 and keeps printable unicode', () => {
		expect(stripControlCharacters('a\u0000b\u001Fc\u007Fd\u0080e\u009Ff 张☎')).toBe('abcdef 张☎');
	});
});
