import {readFileSync, readdirSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {
	createAmiParser,
	type AmiMessage,
	type AmiParseError,
} from '../../../../source/cti/asterisk/ami/parser.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/asterisk-ami/', import.meta.url));
const names = readdirSync(fixtures)
	.filter((name) => name.endsWith('.ami'))
	.map((name) => name.slice(0, -4))
	.sort();

interface Parsed {
	banners: string[];
	messages: Array<{kind: string; fields: Array<[string, string]>}>;
	errors: AmiParseError[];
}

function parseChunks(chunks: Iterable<Buffer>, maxMessageBytes?: number): Parsed {
	const result: Parsed = {banners: [], messages: [], errors: []};
	const parser = createAmiParser({
		onMessage: (message: AmiMessage) =>
			result.messages.push({kind: message.kind, fields: message.fields}),
		onBanner: (banner) => result.banners.push(banner),
		onError: (error) => result.errors.push(error),
		...(maxMessageBytes === undefined ? {} : {maxMessageBytes}),
	});
	for (const chunk of chunks) parser.write(chunk);
	parser.end();
	return result;
}

/** The Event: value of each message parsed. */
const eventsOf = (parsed: Parsed): string[] =>
	parsed.messages.map((message) => message.fields.find(([key]) => key === 'Event')?.[1] ?? '?');

function* byteByByte(bytes: Buffer): Generator<Buffer> {
	for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

// mulberry32: a seeded PRNG so a failing chunking can be replayed.
function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function* randomChunks(bytes: Buffer, seed: number, maxSize: number): Generator<Buffer> {
	const random = seeded(seed);
	for (let i = 0; i < bytes.length;) {
		const size = 1 + Math.floor(random() * maxSize);
		yield bytes.subarray(i, i + size);
		i += size;
	}
}

function* recordedChunks(name: string, bytes: Buffer): Generator<Buffer> {
	const lines = readFileSync(`${fixtures}${name}.timeline.jsonl`, 'utf8').trim().split('\n');
	let covered = 0;
	for (const line of lines) {
		const entry = JSON.parse(line) as {dir: string; offset?: number; bytes?: number};
		if (entry.dir !== 'recv') continue;
		expect(entry.offset).toBe(covered);
		yield bytes.subarray(entry.offset!, entry.offset! + entry.bytes!);
		covered += entry.bytes!;
	}
	expect(covered).toBe(bytes.length);
}

const load = (name: string): Buffer => readFileSync(`${fixtures}${name}.ami`);

// An independent count: every message in the captures ends with CRLF CRLF.
const countBlocks = (bytes: Buffer): number =>
	bytes.toString('latin1').split('\r\n\r\n').length - 1;

describe('createAmiParser on the recorded captures', () => {
	it.each(names)(
		'%s: whole, byte by byte, random and recorded chunking give the same messages',
		(name) => {
			const bytes = load(name);
			const whole = parseChunks([bytes]);
			expect(whole.errors).toEqual([]);
			expect(whole.banners).toEqual(['Asterisk Call Manager/11.0.0']);
			expect(whole.messages.length).toBe(countBlocks(bytes));
			for (const message of whole.messages) expect(message.kind).not.toBe('unknown');

			expect(parseChunks(byteByByte(bytes))).toEqual(whole);
			for (const seed of [1, 2, 3])
				expect(parseChunks(randomChunks(bytes, seed, 700))).toEqual(whole);
			expect(parseChunks(randomChunks(bytes, 42, 7))).toEqual(whole);
			expect(parseChunks(recordedChunks(name, bytes))).toEqual(whole);
		},
	);

	it('04 has 161 messages with the banner, 77 of them VarSet', () => {
		const parsed = parseChunks([load('04-inbound-answered')]);
		expect(parsed.banners.length + parsed.messages.length).toBe(161);
		const varSet = parsed.messages.filter(
			(m) => m.fields[0]?.[0] === 'Event' && m.fields[0][1] === 'VarSet',
		);
		expect(varSet.length).toBe(77);
	});

	it('takes OriginateResponse for an event even though it carries Response:', () => {
		const messages: AmiMessage[] = [];
		const parser = createAmiParser({onMessage: (m) => messages.push(m)});
		parser.write(load('06-outbound-click-to-dial'));
		const originate = messages.filter((m) => m.event === 'OriginateResponse');
		expect(originate).toHaveLength(1);
		expect(originate[0]!.kind).toBe('event');
		expect(originate[0]!.response).toBe('Success');
		expect(originate[0]!.actionId).toBe('06-02');
		expect(originate[0]!.get('actionid')).toBe('06-02');
	});

	it('keeps empty values written as "Key: "', () => {
		const messages: AmiMessage[] = [];
		const parser = createAmiParser({onMessage: (m) => messages.push(m)});
		parser.write(load('03-queue-member-add-pause'));
		const pause = messages.find((m) => m.event === 'QueueMemberPause' && m.get('Paused') === '0');
		expect(pause?.get('PausedReason')).toBe('');
		expect(pause?.fields.some(([key, value]) => key === 'PausedReason' && value === '')).toBe(true);
	});

	it('reads Command output and Getvar values from the response itself', () => {
		const messages: AmiMessage[] = [];
		const parser = createAmiParser({onMessage: (m) => messages.push(m)});
		parser.write(load('09-errors'));
		const command = messages.find((m) => m.get('Message') === 'Command output follows');
		expect(command?.getAll('Output')).toEqual([
			'Asterisk 22.10.1 built by root @ vm on a x86_64 running Linux on 2026-11-25 22:41:19 UTC',
		]);
		const getvar = messages.find(
			(m) => m.kind === 'response' && m.get('Variable') === 'CALLERID(num)',
		);
		expect(getvar?.get('Value')).toBeDefined();
	});
});

describe('createAmiParser framing', () => {
	const parse = (text: string | Buffer, chunkSize?: number): Parsed => {
		const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
		if (chunkSize === undefined) return parseChunks([bytes]);
		const chunks: Buffer[] = [];
		for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
		return parseChunks(chunks);
	};

	it('accepts bare LF line endings', () => {
		const parsed = parse('Event: Hangup\nChannel: Local/1\n\nResponse: Success\nActionID: a-1\n\n');
		expect(parsed.messages).toEqual([
			{
				kind: 'event',
				fields: [
					['Event', 'Hangup'],
					['Channel', 'Local/1'],
				],
			},
			{
				kind: 'response',
				fields: [
					['Response', 'Success'],
					['ActionID', 'a-1'],
				],
			},
		]);
	});

	it('ignores the \\r\\n\\n ending and stray blank lines', () => {
		const parsed = parse('\r\n\r\nEvent: A\r\n\n\r\n\nEvent: B\r\nX: 1\r\n\r\n\r\n');
		expect(parsed.messages).toEqual([
			{kind: 'event', fields: [['Event', 'A']]},
			{
				kind: 'event',
				fields: [
					['Event', 'B'],
					['X', '1'],
				],
			},
		]);
		expect(parsed.errors).toEqual([]);
	});

	it('splits on the first colon, so values may contain ": "', () => {
		const parsed = parse(
			'Response: Error\r\nMessage: Invalid: yes: really\r\nEmpty: \r\nBare:\r\n\r\n',
		);
		expect(parsed.messages[0]!.fields).toEqual([
			['Response', 'Error'],
			['Message', 'Invalid: yes: really'],
			['Empty', ''],
			['Bare', ''],
		]);
	});

	it('keeps repeated keys in order', () => {
		const text =
			'Response: Success\r\nMessage: Command output follows\r\nOutput: one\r\nOutput: two\r\nOutput: \r\nOutput: four\r\n\r\n' +
			'Event: Newchannel\r\nChanVariable: A=1\r\nChanVariable: B=2\r\n\r\n';
		const messages: AmiMessage[] = [];
		const parser = createAmiParser({onMessage: (m) => messages.push(m)});
		parser.write(Buffer.from(text));
		expect(messages[0]!.getAll('output')).toEqual(['one', 'two', '', 'four']);
		expect(messages[1]!.getAll('ChanVariable')).toEqual(['A=1', 'B=2']);
		expect(messages[1]!.get('chanvariable')).toBe('A=1');
	});

	it('leaves a message the consumer kept untouched by the messages after it', () => {
		const kept: AmiMessage[] = [];
		const parser = createAmiParser({onMessage: (m) => kept.push(m)});
		parser.write(Buffer.from('Event: A\r\nX: 1\r\nY: 2\r\n\r\nEvent: B\r\nZ: 3\r\n\r\n'));
		parser.write(Buffer.from('Event: C\r\nX: 4\r\nY: 5\r\nW: 6\r\n\r\n'));
		expect(kept.map((m) => m.fields)).toEqual([
			[
				['Event', 'A'],
				['X', '1'],
				['Y', '2'],
			],
			[
				['Event', 'B'],
				['Z', '3'],
			],
			[
				['Event', 'C'],
				['X', '4'],
				['Y', '5'],
				['W', '6'],
			],
		]);
		expect(kept.map((m) => m.size)).toEqual([3, 2, 4]);
	});

	it('finishes a line cut across several writes, with the rest of the chunk after it', () => {
		const parsed = parseChunks(
			[
				'Event: New',
				'chan',
				'nel\r',
				'\nCallerIDName: Zh',
				'ang\r\nX: 1\r\n\r\nEvent: B\r\n',
				'\r\n',
			].map((text) => Buffer.from(text)),
		);
		expect(parsed.messages).toEqual([
			{
				kind: 'event',
				fields: [
					['Event', 'Newchannel'],
					['CallerIDName', 'Zhang'],
					['X', '1'],
				],
			},
			{kind: 'event', fields: [['Event', 'B']]},
		]);
		expect(parsed.errors).toEqual([]);
	});

	it('decodes UTF-8 split inside a character', () => {
		const text = 'Event: Newchannel\r\nCallerIDName: 张伟 Müller 😀\r\n\r\n';
		const bytes = Buffer.from(text, 'utf8');
		for (let size = 1; size <= 5; size++) {
			expect(parse(bytes, size).messages[0]!.fields[1]).toEqual(['CallerIDName', '张伟 Müller 😀']);
		}
	});

	it('reads the banner without a blank line and events in the same read as the login reply', () => {
		const parsed = parse(
			'Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nActionID: x-1\r\nMessage: Authentication accepted\r\n\r\nEvent: FullyBooted\r\nUptime: 0\r\n\r\n',
		);
		expect(parsed.banners).toEqual(['Asterisk Call Manager/11.0.0']);
		expect(parsed.messages.map((m) => m.kind)).toEqual(['response', 'event']);
	});

	it('folds the legacy Response: Follows body into Output lines', () => {
		const parsed = parse(
			'Response: Follows\r\nPrivilege: Command\r\nline one\r\nline two\r\n--END COMMAND--\r\n\r\n',
		);
		expect(parsed.messages[0]!.fields).toEqual([
			['Response', 'Follows'],
			['Privilege', 'Command'],
			['Output', 'line one'],
			['Output', 'line two'],
		]);
	});
});

describe('createAmiParser on hostile input', () => {
	const good = 'Event: Good\r\nN: 1\r\n\r\n';

	it('reports and skips garbage lines, then carries on', () => {
		const parsed = parseChunks([
			Buffer.from(`\x00\xff garbage\r\n\r\nnot a header\r\n\r\n${good}`, 'latin1'),
		]);
		expect(parsed.messages).toEqual([
			{
				kind: 'event',
				fields: [
					['Event', 'Good'],
					['N', '1'],
				],
			},
		]);
		expect(parsed.errors.map((e) => e.code)).toEqual(['malformed-line', 'malformed-line']);
	});

	it('drops a 10 MB line without a newline, keeps memory bounded and resyncs', () => {
		const max = 64 * 1024;
		let messages = 0;
		const errors: string[] = [];
		const parser = createAmiParser({
			onMessage: () => messages++,
			onError: (e) => errors.push(e.code),
			maxMessageBytes: max,
		});
		const block = Buffer.alloc(64 * 1024, 'A');
		const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
		parser.write(Buffer.from('Event: Huge\r\nData: '));
		for (let i = 0; i < 160; i++) parser.write(block); // 10 MiB, no LF
		const grown = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heapBefore;
		parser.write(Buffer.from(`\r\nMore: still the huge one\r\n\r\n${good}`));
		expect(messages).toBe(1);
		expect(errors).toEqual(['message-too-large']);
		// The parser let go of the 10 MB; allow generous slack for the allocator.
		expect(grown).toBeLessThan(5 * 1024 * 1024);
	});

	it('drops a message that never ends (missing blank line) once it passes the cap', () => {
		const max = 4096;
		const parsed = parseChunks(
			(function* () {
				yield Buffer.from('Event: Endless\r\n');
				for (let i = 0; i < 10_000; i++) yield Buffer.from(`Key${i}: value ${i}\r\n`);
				yield Buffer.from(`\r\n${good}`);
			})(),
			max,
		);
		expect(parsed.errors.map((e) => e.code)).toEqual(['message-too-large']);
		expect(parsed.messages).toEqual([
			{
				kind: 'event',
				fields: [
					['Event', 'Good'],
					['N', '1'],
				],
			},
		]);
	});

	it('merges two messages with a missing blank line without crashing', () => {
		const parsed = parseChunks([
			Buffer.from(`Event: A\r\nX: 1\r\nEvent: B\r\nY: 2\r\n\r\n${good}`),
		]);
		expect(parsed.messages).toHaveLength(2);
		expect(parsed.messages[0]!.fields.map(([key]) => key)).toEqual(['Event', 'X', 'Event', 'Y']);
	});

	it('reports a stream cut mid-message and delivers nothing half-read', () => {
		const full = load('01-login-ok');
		const parsed = parseChunks([full.subarray(0, 300)]);
		expect(parsed.errors.map((e) => e.code)).toEqual(['truncated']);
		expect(parsed.messages.length).toBe(2);
	});

	it('recovers from an oversized line split across chunks that mix its end with good data', () => {
		const max = 1024;
		const errors: string[] = [];
		const got: string[] = [];
		const parser = createAmiParser({
			onMessage: (m) => got.push(m.event ?? '?'),
			onError: (e) => errors.push(e.code),
			maxMessageBytes: max,
		});
		parser.write(Buffer.from(`${good}Event: Big\r\nData: ${'x'.repeat(600)}`));
		parser.write(Buffer.from(`${'y'.repeat(600)}\r\nTail: 1\r\n\r\n${good}Event: Cut`));
		parser.write(Buffer.from('\r\n\r\n'));
		expect(errors).toEqual(['message-too-large']);
		expect(got).toEqual(['Good', 'Good', 'Cut']);
	});

	it('resyncs when the CR of that blank line ends a chunk that also holds earlier lines', () => {
		const parsed = parseChunks(
			[
				Buffer.from(`Event: Big\r\nData: ${'x'.repeat(100)}\r\nMore: 1\r\n\r`),
				Buffer.from('\nEvent: Good\r\nN: 1\r\n\r\n'),
			],
			64,
		);
		expect(parsed.errors.map((error) => error.code)).toEqual(['message-too-large']);
		expect(eventsOf(parsed)).toEqual(['Good']);
	});

	it('resyncs on the blank line ending a dropped message even when its CR and LF arrive apart', () => {
		const parsed = parseChunks(
			[
				Buffer.from(`Event: Big\r\nData: ${'x'.repeat(100)}\r\n`),
				Buffer.from('\r'),
				Buffer.from('\nEvent: Good\r\nN: 1\r\n\r\n'),
			],
			64,
		);
		expect(parsed.errors.map((error) => error.code)).toEqual(['message-too-large']);
		expect(eventsOf(parsed)).toEqual(['Good']);
	});
});
