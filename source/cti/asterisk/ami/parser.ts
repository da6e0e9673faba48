// Streaming AMI parser: bytes → AmiMessage. Knows AMI framing, nothing of agents.
//
// Why it is shaped like this (see test/fixtures/asterisk-ami/README.md):
// - TCP chunking is arbitrary (Asterisk writes some replies one header line at a time), so the
//   parser keeps the bytes after the last LF of a chunk and only scans complete lines.
// - Each read's complete lines are decoded once as latin1 (one character per byte, so string
//   positions are byte positions) and scanned with String#indexOf, far cheaper than a JS loop
//   per byte. Field positions are recorded, not strings.
// - A complete message is then decoded on its own and its fields sliced from that: latin1 when
//   its bytes are ASCII (the same string as UTF-8, faster), UTF-8 otherwise. Slicing fields out
//   of the whole 64 KiB read instead would make every message a caller keeps hold that read.
//   A LF byte never occurs inside a multi-byte UTF-8 sequence, so a message never cuts one.
// - The banner (`Asterisk Call Manager/11.0.0`) is a single line with no blank line after it.
// - A block is an event if it has `Event:` (checked first: OriginateResponse is an event that
//   carries `Response:`), otherwise a response if it has `Response:`.
// - Hostile input must not grow memory without bound: a message (or a line) larger than
//   maxMessageBytes is dropped, reported, and the parser resyncs at the next blank line.

import {isAscii} from 'node:buffer';

export type AmiMessageKind = 'event' | 'response' | 'unknown';

export type AmiField = [key: string, value: string];

/** One AMI block: its header lines, in order, repeated keys kept. */
export class AmiMessage {
	readonly kind: AmiMessageKind;
	/** Value of `Event:` (events only). */
	readonly event: string | undefined;
	/** Value of `Response:` (responses, and OriginateResponse events). */
	readonly response: string | undefined;
	readonly actionId: string | undefined;
	// Keys and values interleaved: [k0, v0, k1, v1, …]. One flat array is one allocation per
	// message instead of one per field, which matters at a few hundred thousand events a second.
	readonly #flat: string[];
	#fields: AmiField[] | undefined;

	constructor(flat: string[], event?: string, response?: string, actionId?: string) {
		this.#flat = flat;
		this.event = event;
		this.response = response;
		this.actionId = actionId;
		this.kind = event !== undefined ? 'event' : response !== undefined ? 'response' : 'unknown';
	}

	/** Builds a message from ordered fields (tests, fake servers). */
	static from(fields: ReadonlyArray<readonly [string, string]>): AmiMessage {
		const flat: string[] = [];
		let event: string | undefined;
		let response: string | undefined;
		let actionId: string | undefined;
		for (const [key, value] of fields) {
			flat.push(key, value);
			const lower = key.toLowerCase();
			if (lower === 'event' && event === undefined) event = value;
			else if (lower === 'response' && response === undefined) response = value;
			else if (lower === 'actionid' && actionId === undefined) actionId = value;
		}
		return new AmiMessage(flat, event, response, actionId);
	}

	/** The fields in order, as [key, value] pairs. */
	get fields(): AmiField[] {
		if (this.#fields === undefined) {
			const flat = this.#flat;
			const fields: AmiField[] = [];
			for (let i = 0; i < flat.length; i += 2) fields.push([flat[i]!, flat[i + 1]!]);
			this.#fields = fields;
		}
		return this.#fields;
	}

	get size(): number {
		return this.#flat.length >> 1;
	}

	/** The key of field `index` (0-based), for allocation-free iteration. */
	keyAt(index: number): string | undefined {
		return this.#flat[index * 2];
	}

	valueAt(index: number): string | undefined {
		return this.#flat[index * 2 + 1];
	}

	/** First value of `key`, matched case-insensitively (Asterisk spells ActionID/ActionId both ways). */
	get(key: string): string | undefined {
		const flat = this.#flat;
		for (let i = 0; i < flat.length; i += 2) if (flat[i] === key) return flat[i + 1];
		const lower = key.toLowerCase();
		for (let i = 0; i < flat.length; i += 2)
			if (flat[i]!.toLowerCase() === lower) return flat[i + 1];
		return undefined;
	}

	/** Every value of `key`, in order (several `Output:` or `ChanVariable:` lines). */
	getAll(key: string): string[] {
		const flat = this.#flat;
		const lower = key.toLowerCase();
		const values: string[] = [];
		for (let i = 0; i < flat.length; i += 2)
			if (flat[i]!.toLowerCase() === lower) values.push(flat[i + 1]!);
		return values;
	}

	has(key: string): boolean {
		return this.get(key) !== undefined;
	}

	/** Plain object view, first value wins (logging, snapshots). */
	toObject(): Record<string, string> {
		const object: Record<string, string> = {};
		const flat = this.#flat;
		for (let i = 0; i < flat.length; i += 2)
			if (!(flat[i]! in object)) object[flat[i]!] = flat[i + 1]!;
		return object;
	}
}

export type AmiParseErrorCode = 'message-too-large' | 'malformed-line' | 'truncated';

export class AmiParseError extends Error {
	readonly code: AmiParseErrorCode;
	constructor(code: AmiParseErrorCode, message: string) {
		super(message);
		this.name = 'AmiParseError';
		this.code = code;
	}
}

export interface AmiParserOptions {
	onMessage(message: AmiMessage): void;
	/** The greeting line, e.g. `Asterisk Call Manager/11.0.0`. */
	onBanner?(banner: string): void;
	/** Input that was dropped; the parser carries on. */
	onError?(error: AmiParseError): void;
	/** Largest message (or line) kept, in bytes; larger ones are dropped. Default 1 MiB. */
	maxMessageBytes?: number;
}

export interface AmiParser {
	/** Feeds bytes. The parser may keep a view of `chunk` until the message it ends in completes. */
	write(chunk: Buffer): void;
	/** The stream ended: drops (and reports) a message cut in the middle. */
	end(): void;
}

const LF = 0x0a;
const BANNER_PREFIX = 'Asterisk Call Manager';
const END_COMMAND = '--END COMMAND--';
// Marks a field recorded from a raw `Response: Follows` body line: its key is `Output`.
const OUTPUT_KEY = -1;

export function createAmiParser(options: AmiParserOptions): AmiParser {
	const {onMessage, onBanner, onError} = options;
	const max = options.maxMessageBytes ?? 1024 * 1024;

	// Bytes after the last LF seen (an incomplete line), kept as pieces so a long line fed byte
	// by byte costs one concat at its end rather than one per byte.
	let restParts: Buffer[] = [];
	let restLength = 0;
	// The complete lines already scanned of a message that started in an earlier write, as
	// views of those writes' buffers: the message is decoded once, when its blank line arrives.
	let carried: Buffer[] = [];
	// Field positions in the message's bytes, four per field: key start, key end (the colon),
	// value start, value end. A key start of OUTPUT_KEY marks a raw Follows body line.
	let spans: Int32Array = new Int32Array(256);
	let fieldCount = 0;
	// Bytes of the message's lines so far (what maxMessageBytes limits).
	let size = 0;
	let follows = false;
	// After an oversized message: drop lines until a blank line.
	let skipping = false;
	// Inside a dropped line whose bytes were let go: its LF ends a line that is not blank.
	let skipLine = false;

	const report = (code: AmiParseErrorCode, message: string): void => {
		onError?.(new AmiParseError(code, message));
	};

	const reset = (): void => {
		carried = [];
		fieldCount = 0;
		size = 0;
		follows = false;
	};

	const drop = (why: string): void => {
		report('message-too-large', why);
		reset();
		skipping = true;
	};

	const record = (keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void => {
		let at = fieldCount * 4;
		if (at + 4 > spans.length) spans = grow(spans);
		spans[at++] = keyStart;
		spans[at++] = keyEnd;
		spans[at++] = valueStart;
		spans[at] = valueEnd;
		fieldCount++;
	};

	// Builds the message from its decoded text. Each complete message is decoded on its own
	// (not sliced out of the whole read) so that a message kept by a caller keeps only its own
	// few hundred bytes alive, never the 64 KiB read it arrived in.
	const emit = (bytes: Buffer, start: number, end: number, ascii: boolean): void => {
		const count = fieldCount;
		reset();
		if (!ascii && !isAscii(bytes.subarray(start, end))) {
			onMessage(fromText(bytes.toString('utf8', start, end)));
			return;
		}
		// For ASCII, latin1 decoding gives the same string as UTF-8, several times faster, and
		// string positions equal the byte positions recorded while scanning.
		const text = bytes.toString('latin1', start, end);
		const flat = new Array<string>(count * 2);
		let event: string | undefined;
		let response: string | undefined;
		let actionId: string | undefined;
		for (let i = 0, at = 0; i < count; i++, at += 4) {
			const keyStart = spans[at]!;
			const value = text.slice(spans[at + 2], spans[at + 3]);
			if (keyStart === OUTPUT_KEY) {
				flat[i * 2] = 'Output';
				flat[i * 2 + 1] = value;
				continue;
			}
			const key = text.slice(keyStart, spans[at + 1]);
			flat[i * 2] = key;
			flat[i * 2 + 1] = value;
			// Remember the three keys the connection routes on without a second scan.
			const k = key.length;
			if (k === 5) {
				if (event === undefined && (key === 'Event' || key.toLowerCase() === 'event'))
					event = value;
			} else if (k === 8) {
				if (actionId === undefined && (key === 'ActionID' || key.toLowerCase() === 'actionid'))
					actionId = value;
				else if (response === undefined && (key === 'Response' || key.toLowerCase() === 'response'))
					response = value;
			}
		}
		onMessage(new AmiMessage(flat, event, response, actionId));
	};

	const malformed = (line: string): void => {
		report(
			'malformed-line',
			`AMI line without a colon ignored: ${JSON.stringify(line.slice(0, 80))}`,
		);
	};

	// Scans `text`, the latin1 view of `bytes` up to a LF (latin1 maps each byte to one
	// character, so positions in it are byte positions, whatever the encoding). `from` skips the
	// end of a dropped line. The message in progress began `size` bytes before position 0 if
	// `carried` holds its earlier lines.
	const scan = (bytes: Buffer, text: string, from: number, ascii: boolean): void => {
		const length = text.length;
		let pos = from;
		// Position of the message's first byte in `text`; negative while part of it is carried.
		let origin = fieldCount === 0 ? pos : -size;
		while (pos < length) {
			let nl = text.indexOf('\n', pos);
			let end = nl;
			if (end > pos && text.charCodeAt(end - 1) === 13) end--;
			if (!skipping && end > pos) {
				// The hot loop: `Key: Value` lines of a message, on locals (the closure's variables
				// live in a context object that the optimiser cannot keep in registers). Anything
				// else leaves the loop for the general code below, on the same line.
				let count = fieldCount;
				let bytesSoFar = size;
				let at = count * 4;
				for (;;) {
					const colon = text.indexOf(':', pos);
					if (colon === -1 || colon >= end) break;
					const lineBytes = nl + 1 - pos;
					if (bytesSoFar + lineBytes > max) break;
					bytesSoFar += lineBytes;
					let start = colon + 1;
					if (start < end && text.charCodeAt(start) === 32) start++;
					if (count === 0 && colon - pos === 8 && end - start === 7)
						follows = isFollows(text, pos, start);
					if (at + 4 > spans.length) spans = grow(spans);
					spans[at] = pos - origin;
					spans[at + 1] = colon - origin;
					spans[at + 2] = start - origin;
					spans[at + 3] = end - origin;
					at += 4;
					count++;
					pos = nl + 1;
					if (pos >= length) break;
					nl = text.indexOf('\n', pos);
					end = nl;
					if (end > pos && text.charCodeAt(end - 1) === 13) end--;
					if (end === pos) break;
				}
				fieldCount = count;
				size = bytesSoFar;
				if (pos >= length) break;
			}
			if (end === pos) {
				// A blank line ends a message; stray ones (the `\r\n\n` ending) are ignored.
				if (skipping) skipping = false;
				else if (fieldCount > 0) {
					if (origin >= 0) emit(bytes, origin, pos, ascii);
					else {
						carried.push(bytes.subarray(0, pos));
						emit(Buffer.concat(carried), 0, size, false);
					}
				}
				pos = nl + 1;
				origin = pos;
				continue;
			}
			if (skipping) {
				pos = nl + 1;
				continue;
			}
			size += nl + 1 - pos;
			if (size > max) {
				drop(`AMI message larger than ${max} bytes dropped`);
				pos = nl + 1;
				continue;
			}
			// Only lines without a colon get here.
			if (fieldCount === 0) {
				// Not part of a message: the banner, or garbage between messages.
				size = 0;
				const line = ascii ? text.slice(pos, end) : bytes.toString('utf8', pos, end);
				if (line.startsWith(BANNER_PREFIX)) onBanner?.(line);
				else malformed(line);
				pos = nl + 1;
				origin = pos;
				continue;
			}
			// Old Asterisk answered Command with `Response: Follows`, the raw CLI lines, then
			// `--END COMMAND--`; keep those lines as Output so callers see one shape.
			if (follows) {
				if (end - pos !== END_COMMAND.length || !text.startsWith(END_COMMAND, pos))
					record(OUTPUT_KEY, OUTPUT_KEY, pos - origin, end - origin);
			} else malformed(ascii ? text.slice(pos, end) : bytes.toString('utf8', pos, end));
			pos = nl + 1;
		}
		// Keep the lines of the message still in progress for when its blank line arrives.
		if (!skipping && fieldCount > 0)
			carried.push(origin >= 0 ? bytes.subarray(origin, length) : bytes.subarray(0, length));
	};

	return {
		write(chunk) {
			if (chunk.length === 0) return;
			const last = chunk.lastIndexOf(LF);
			if (last === -1) {
				keepRest(chunk);
				return;
			}
			let bytes: Buffer;
			let from = 0;
			if (skipLine) {
				// The end of a dropped line: resume after its LF.
				skipLine = false;
				restParts = [];
				restLength = 0;
				bytes = chunk;
				from = chunk.indexOf(LF) + 1;
			} else if (restLength === 0) {
				bytes = chunk;
			} else {
				restParts.push(chunk.subarray(0, last + 1));
				bytes = Buffer.concat(restParts);
				restParts = [];
				restLength = 0;
			}
			const end = bytes === chunk ? last + 1 : bytes.length;
			const view = bytes === chunk && end < chunk.length ? chunk.subarray(0, end) : bytes;
			// One decode for the whole read; messages are decoded again one by one when complete.
			const ascii = isAscii(view);
			scan(view, view.toString('latin1', 0, end), from, ascii);
			if (last + 1 < chunk.length) keepRest(chunk.subarray(last + 1));
		},
		end() {
			if (fieldCount > 0 || restLength > 0) {
				report('truncated', 'AMI stream ended in the middle of a message');
			}
			restParts = [];
			restLength = 0;
			skipping = false;
			skipLine = false;
			reset();
		},
	};

	// Bytes without a LF: the start (or more) of a line that a later write completes.
	function keepRest(tail: Buffer): void {
		if (skipping) {
			// Inside a dropped message nothing is kept, except a lone CR that may start the blank
			// line ending it.
			if (!skipLine && restLength + tail.length <= 1) {
				restParts.push(tail);
				restLength += tail.length;
			} else {
				restParts = [];
				restLength = 0;
				skipLine = true;
			}
			return;
		}
		restParts.push(tail);
		restLength += tail.length;
		if (restLength + size > max) {
			restParts = [];
			restLength = 0;
			drop(`AMI line larger than ${max} bytes dropped`);
			skipLine = true;
		}
	}
}

function grow(spans: Int32Array): Int32Array {
	const grown = new Int32Array(spans.length * 2);
	grown.set(spans);
	return grown;
}

// `Response: Follows` as the first line (positions of the key and the value, both checked for length).
function isFollows(text: string, keyStart: number, valueStart: number): boolean {
	return (
		text.slice(keyStart, keyStart + 8).toLowerCase() === 'response' &&
		text.slice(valueStart, valueStart + 7).toLowerCase() === 'follows'
	);
}

// The slow path for a message with non-ASCII bytes: the same line rules on its UTF-8 text.
// Malformed lines were already reported while scanning its bytes.
function fromText(text: string): AmiMessage {
	const fields: Array<[string, string]> = [];
	let follows = false;
	let pos = 0;
	while (pos < text.length) {
		let nl = text.indexOf('\n', pos);
		if (nl === -1) nl = text.length;
		let end = nl;
		if (end > pos && text.charCodeAt(end - 1) === 13) end--;
		const colon = text.indexOf(':', pos);
		if (colon !== -1 && colon < end) {
			let start = colon + 1;
			if (start < end && text.charCodeAt(start) === 32) start++;
			const key = text.slice(pos, colon);
			const value = text.slice(start, end);
			if (
				fields.length === 0 &&
				key.toLowerCase() === 'response' &&
				value.toLowerCase() === 'follows'
			)
				follows = true;
			fields.push([key, value]);
		} else if (follows && fields.length > 0 && text.slice(pos, end) !== END_COMMAND) {
			fields.push(['Output', text.slice(pos, end)]);
		}
		pos = nl + 1;
	}
	return AmiMessage.from(fields);
}
