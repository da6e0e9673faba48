import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {stripColours, withoutColours} from '../../source/ui/no-colour.js';

describe('NO_COLOR', () => {
	it.each([
		['\u001B[35mx\u001B[39m', 'x'],
		['\u001B[1;37;45m RINGING \u001B[0m', '\u001B[1m RINGING \u001B[0m'],
		['\u001B[7mtab\u001B[27m', '\u001B[7mtab\u001B[27m'],
		['\u001B[38;5;208mo\u001B[48;2;1;2;3mb\u001B[2md', 'ob\u001B[2md'],
		['\u001B[0;1;7m\u001B[35m\u001B[49mrow', '\u001B[0;1;7mrow'],
		[
			'\u001B]8;;https://x\u0007link\u001B]8;;\u0007',
			'\u001B]8;;https://x\u0007link\u001B]8;;\u0007',
		],
	])('%j → %j', (input, output) => {
		expect(stripColours(input)).toBe(output);
	});

	it('writes through the stream without colours, and keeps its own properties', () => {
		const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
		(stream as {columns?: number}).columns = 80;
		const plain = withoutColours(stream);
		let written = '';
		stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
		plain.write('\u001B[31;1merror\u001B[39;22m');
		expect(written).toBe('\u001B[1merror\u001B[22m');
		expect(plain.columns).toBe(80);
	});
});
