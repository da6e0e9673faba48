// Streaming AMI parser: bytes → AmiMessage. Knows AMI framing, nothing of agents.
//
// Why it is shaped like this (see test/fixtures/asterisk-ami/README.md):
// - TCP chunking is arbitrary (Asterisk writes some replies one header line at a time), so the
//   parser keeps the bytes after the last LF of a chunk and only decodes complete lines. A LF
//   byte never occurs inside a multi-byte UTF-8 sequence, so decoding up to a LF can never cut
//   a character in half.
// - Decoding the whole run of complete lines with one toString() and scanning it with
//   String#indexOf is far cheaper than a decode per line or a JS loop per byte. A line cut
//   across reads is decoded on its own, so a read is never copied whole.
// - Keys are sliced like values. A bounded key cache (guess the next key, check it on the bytes
//   8 at a time) was measured on Node 20 and saved nothing: checking ~10 key bytes costs as
//   much as the indexOf + slice it replaces, and consumers read the shared keys more slowly.
// - Keys and values of 13+ characters are V8 slices of the decoded text of the read they came
//   in, so a message kept by a consumer keeps that text (at most one socket read) alive.
// - The banner (`Asterisk Call Manager/11.0.0`) is a single line with no blank line after it.
// - A block is an event if it has `Event:` (checked first: OriginateResponse is an event that
//   carries `Response:`), otherwise a response if it has `Response:`.
// - Hostile input must not grow memory without bound: a message (or a line) larger than
//   maxMessageBytes is dropped, reported, and the parser resyncs at the next blank line.

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
	/** Feeds bytes. The parser may keep a reference to `chunk` until its last line completes. */
	write(chunk: Buffer): void;
	/** The stream ended: drops (and reports) a message cut in the middle. */
	end(): void;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const BANNER_PREFIX = 'Asterisk Call Manager';

export function createAmiParser(options: AmiParserOptions): AmiParser {
	const {onMessage, onBanner, onError} = options;
	const max = options.maxMessageBytes ?? 1024 * 1024;

	// Bytes after the last LF seen (an incomplete line), kept as pieces so a long line fed byte
	// by byte costs one concat at its end rather than one per byte.
	let restParts: Buffer[] = [];
	let restLength = 0;
	// The message being built: its fields (keys and values interleaved, see AmiMessage) and
	// its size in bytes.
	let flat: string[] = [];
	let size = 0;
	let event: string | undefined;
	let response: string | undefined;
	let actionId: string | undefined;
	let follows = false;
	// After an oversized message: drop lines until a blank line.
	let skipping = false;

	const report = (code: AmiParseErrorCode, message: string): void => {
		onError?.(new AmiParseError(code, message));
	};

	const reset = (): void => {
		flat = [];
		size = 0;
		event = undefined;
		response = undefined;
		actionId = undefined;
		follows = false;
	};

	const emit = (): void => {
		const message = new AmiMessage(flat, event, response, actionId);
		reset();
		onMessage(message);
	};

	const drop = (why: string): void => {
		report('message-too-large', why);
		reset();
		skipping = true;
	};

	// Parses `text`, which holds only complete lines (it ends with LF). The running size lives in
	// a local while the loop runs and is written back around the rare calls out.
	const parseLines = (text: string): void => {
		let pos = 0;
		const length = text.length;
		let total = size;
		while (pos < length) {
			const nl = text.indexOf('\n', pos);
			let end = nl;
			if (end > pos && text.charCodeAt(end - 1) === CR) end--;
			if (end === pos) {
				// A blank line ends a message; stray ones (the `\r\n\n` ending) are ignored.
				if (skipping) skipping = false;
				else if (flat.length > 0) {
					emit();
					total = 0;
				}
				pos = nl + 1;
				continue;
			}
			if (skipping) {
				pos = nl + 1;
				continue;
			}
			total += nl + 1 - pos;
			const colon = text.indexOf(':', pos);
			if (total > max || colon === -1 || colon >= end) {
				size = total;
				if (total > max) drop(`AMI message larger than ${max} bytes dropped`);
				else noColon(text.slice(pos, end));
				total = size;
				pos = nl + 1;
				continue;
			}
			const key = text.slice(pos, colon);
			let start = colon + 1;
			if (start < end && text.charCodeAt(start) === SPACE) start++;
			const value = text.slice(start, end);
			flat.push(key, value);
			// Remember the three keys the connection routes on without a second scan.
			const k = colon - pos;
			if (k === 5) {
				if (event === undefined && (key === 'Event' || key.toLowerCase() === 'event'))
					event = value;
			} else if (k === 8) {
				if (actionId === undefined && (key === 'ActionID' || key.toLowerCase() === 'actionid'))
					actionId = value;
				else if (
					response === undefined &&
					(key === 'Response' || key.toLowerCase() === 'response')
				) {
					response = value;
					if (flat.length === 2 && value.toLowerCase() === 'follows') follows = true;
				}
			}
			pos = nl + 1;
		}
		size = total;
	};

	const noColon = (line: string): void => {
		if (flat.length === 0) {
			size = 0;
			if (line.startsWith(BANNER_PREFIX)) onBanner?.(line);
			else
				report(
					'malformed-line',
					`AMI line without a colon ignored: ${JSON.stringify(line.slice(0, 80))}`,
				);
			return;
		}
		// Old Asterisk answered Command with `Response: Follows`, the raw CLI lines, then
		// `--END COMMAND--`; keep those lines as Output so callers see one shape.
		if (follows) {
			if (line !== '--END COMMAND--') flat.push('Output', line);
			return;
		}
		report(
			'malformed-line',
			`AMI line without a colon ignored: ${JSON.stringify(line.slice(0, 80))}`,
		);
	};

	// Keeps the bytes after the last LF (`tail`).
	const keepTail = (tail: Buffer): void => {
		if (skipping) {
			// Inside a dropped line: nothing to keep but a lone CR, which may start the blank line
			// that ends the dropped message. An empty rest with a length still marks that we are
			// mid-line, so the LF that ends it is not taken for a blank line.
			if (restLength === 0 && tail.length === 1 && tail[0] === CR) {
				restParts.push(tail);
				restLength = 1;
				return;
			}
			restParts = [];
			restLength += tail.length;
			return;
		}
		restParts.push(tail);
		restLength += tail.length;
		if (restLength + size > max) {
			restParts = [];
			drop(`AMI line larger than ${max} bytes dropped`);
		}
	};

	// The pending line, completed by chunk[0, end), decoded on its own: only that line is copied
	// (not the whole chunk, as one Buffer.concat of rest + chunk would).
	const decodeRest = (chunk: Buffer, end: number): string => {
		const joined = Buffer.allocUnsafe(restLength + end);
		let offset = 0;
		for (const part of restParts) {
			joined.set(part, offset);
			offset += part.length;
		}
		joined.set(chunk.subarray(0, end), offset);
		return joined.toString('utf8');
	};

	return {
		write(chunk) {
			const length = chunk.length;
			if (length === 0) return;
			let from = 0;
			if (restLength > 0) {
				// Finish the pending line first, so only that line is copied, not the whole chunk.
				const nl = chunk.indexOf(LF);
				if (nl === -1) {
					keepTail(chunk);
					return;
				}
				from = nl + 1;
				// An empty rest is the end of a dropped line: nothing to parse.
				const line = restParts.length > 0 ? decodeRest(chunk, from) : '';
				restParts = [];
				restLength = 0;
				if (line !== '') parseLines(line);
			}
			const last = chunk.lastIndexOf(LF);
			if (last >= from) {
				parseLines(chunk.toString('utf8', from, last + 1));
				from = last + 1;
			}
			if (from < length) keepTail(chunk.subarray(from));
		},
		end() {
			if (flat.length > 0 || restParts.length > 0) {
				report('truncated', 'AMI stream ended in the middle of a message');
			}
			restParts = [];
			restLength = 0;
			skipping = false;
			reset();
		},
	};
}
