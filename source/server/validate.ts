// Input validation at the edge (house rule 9): every query or form value is decoded strictly
// and checked here, so that nothing a web page can type reaches the session or a driver
// unless it has the exact shape the route expects. Koa's own querystring keeps broken
// percent-escapes and duplicate keys silently; we refuse both.
import type {TransferMode} from '../core/types.js';

export type Params = ReadonlyMap<string, string>;

export type Parsed<T> = {ok: true; value: T} | {ok: false; message: string};

/** Upper bounds for one request's parameters (a CRM link never comes close). */
export const limits = {
	queryBytes: 8192,
	params: 32,
	nameChars: 64,
	valueChars: 4096,
	user: 64,
	pass: 256,
	reason: 64,
	url: 2048,
	number: 32,
} as const;

const utf8 = new TextDecoder('utf-8', {fatal: true});

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators (which some
// JavaScript and JSON consumers treat as line breaks): none has a place in any parameter,
// and each is a header- or log-injection vector somewhere downstream (AMI, pino, the TUI).
// eslint-disable-next-line no-control-regex
const controlCharacter = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

export function hasControlCharacter(value: string): boolean {
	return controlCharacter.test(value);
}

// Plain ASCII without escapes or '+' needs no decoding (the usual number=139001).
const plainAscii = /^[\x21-\x24\x26-\x2A\x2C-\x7E]*$/;

function decodeComponent(raw: string): string | null {
	if (plainAscii.test(raw)) return raw;
	const bytes: number[] = [];
	for (let index = 0; index < raw.length; index += 1) {
		const char = raw.charCodeAt(index);
		if (char === 0x25 /* % */) {
			const hex = raw.slice(index + 1, index + 3);
			if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null;
			bytes.push(Number.parseInt(hex, 16));
			index += 2;
		} else if (char === 0x2b /* + */) {
			bytes.push(0x20);
		} else if (char < 0x80) {
			bytes.push(char);
		} else {
			// Raw non-ASCII never survives the HTTP parser as-is; refuse rather than guess an encoding.
			return null;
		}
	}
	try {
		return utf8.decode(Uint8Array.from(bytes));
	} catch {
		return null;
	}
}

/**
 * Decodes `a=1&b=2` (a query string or an urlencoded body) strictly: broken or overlong
 * percent-escapes, invalid UTF-8, duplicate names, empty names, control characters and
 * oversized input are all refused with a readable message.
 */
export function parseParams(raw: string): Parsed<Map<string, string>> {
	const params = new Map<string, string>();
	if (raw.length > limits.queryBytes) return {ok: false, message: `The query is longer than ${limits.queryBytes} bytes.`};
	if (raw === '') return {ok: true, value: params};
	// The usual CRM link (`number=139001&format=json`) has nothing to decode and, printable ASCII
	// only, no control character: one test for the whole query instead of four per parameter.
	const plain = plainAscii.test(raw);
	for (const pair of raw.split('&')) {
		if (pair === '') continue; // `a=1&&b=2` and a trailing `&` are harmless
		const equals = pair.indexOf('=');
		const rawName = equals === -1 ? pair : pair.slice(0, equals);
		const rawValue = equals === -1 ? '' : pair.slice(equals + 1);
		const name = plain ? rawName : decodeComponent(rawName);
		const value = plain ? rawValue : decodeComponent(rawValue);
		if (name === null || value === null) {
			return {ok: false, message: 'The query has a broken percent-encoding (use encodeURIComponent on every value).'};
		}
		if (name === '') return {ok: false, message: 'The query has a parameter without a name.'};
		if (!plain && (hasControlCharacter(name) || hasControlCharacter(value))) {
			return {ok: false, message: `Parameter ${printable(name)} contains a control character.`};
		}
		if (name.length > limits.nameChars) return {ok: false, message: 'A parameter name is too long.'};
		if (value.length > limits.valueChars) return {ok: false, message: `Parameter ${printable(name)} is too long.`};
		if (params.has(name)) return {ok: false, message: `Parameter ${printable(name)} is given twice.`};
		params.set(name, value);
		if (params.size > limits.params) return {ok: false, message: `More than ${limits.params} parameters.`};
	}
	return {ok: true, value: params};
}

/** Joins query and form parameters; a name given in both is ambiguous and refused. */
export function mergeParams(query: Params, body: Params): Parsed<Map<string, string>> {
	const merged = new Map(query);
	for (const [name, value] of body) {
		if (merged.has(name)) return {ok: false, message: `Parameter ${printable(name)} is given twice.`};
		merged.set(name, value);
	}
	return {ok: true, value: merged};
}

/**
 * A value made safe to show in a log line or the TUI: control and format characters are
 * escaped and the length is bounded. Used for anything that was not validated (names, paths).
 */
export function printable(value: string, max = 40): string {
	if (value.length <= max && /^[\x20-\x7E]*$/.test(value)) return value;
	const clipped = value.length > max ? `${value.slice(0, max)}…` : value;
	// Also escapes zero-width and bidi-override characters, which could disguise text in the TUI.
	return clipped.replace(/[^\x20-\x7E\u00A0-\u200A\u2010-\u2027\u202F-\u2065\u206A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]/gu, (char) =>
		`\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`,
	);
}

// Separators people type in phone numbers; a CRM link may carry them verbatim.
const numberSeparators = /[ \-.()]/g;

/** A dialable number: digits, +, * and #, separators stripped, 1–32 characters. */
export function parseNumber(value: string | undefined, name = 'number'): Parsed<string> {
	if (value === undefined || value === '') return {ok: false, message: `Parameter ${name} is missing.`};
	if (value.length > limits.number * 3) return {ok: false, message: `Parameter ${name} is too long.`};
	const number = value.replace(numberSeparators, '');
	if (number.length === 0 || number.length > limits.number) {
		return {ok: false, message: `Parameter ${name} must have 1 to ${limits.number} digits.`};
	}
	if (!/^\+?[0-9*#]+$/.test(number)) {
		return {ok: false, message: `Parameter ${name} may hold only digits, * and #, and a leading + (write it as %2B).`};
	}
	return {ok: true, value: number};
}

/** A required free-text value with a length bound (control characters were refused while decoding). */
export function parseText(value: string | undefined, name: string, max: number): Parsed<string> {
	if (value === undefined || value === '') return {ok: false, message: `Parameter ${name} is missing.`};
	if (value.length > max) return {ok: false, message: `Parameter ${name} is longer than ${max} characters.`};
	if (value.trim() !== value) return {ok: false, message: `Parameter ${name} has leading or trailing spaces.`};
	return {ok: true, value};
}

export function parseMode(value: string | undefined): Parsed<TransferMode> {
	if (value === undefined || value === '' || value === 'blind') return {ok: true, value: 'blind'};
	if (value === 'consult') return {ok: true, value: 'consult'};
	return {ok: false, message: 'Parameter mode must be blind or consult.'};
}

export type TransferAction = 'complete' | 'cancel' | 'conference';

/** transfer.cgi's `action`: absent (null) keeps the seed's meaning, transfer to `number`. */
export function parseTransferAction(value: string | undefined): Parsed<TransferAction | null> {
	if (value === undefined || value === '') return {ok: true, value: null};
	if (value === 'complete' || value === 'cancel' || value === 'conference') return {ok: true, value};
	return {ok: false, message: 'Parameter action must be complete, cancel or conference.'};
}

/** hold.cgi's `on`: absent means toggle. */
export function parseOn(value: string | undefined): Parsed<boolean | null> {
	if (value === undefined || value === '') return {ok: true, value: null};
	if (value === '1') return {ok: true, value: true};
	if (value === '0') return {ok: true, value: false};
	return {ok: false, message: 'Parameter on must be 1 or 0.'};
}

export function parseReason(value: string | undefined, reasons: readonly string[]): Parsed<string> {
	const text = parseText(value, 'reason', limits.reason);
	if (!text.ok) return text;
	if (!reasons.includes(text.value)) {
		return {ok: false, message: `Unknown reason ${printable(text.value)}: use one of ${reasons.join(', ')}.`};
	}
	return text;
}

/**
 * The `url=` a browser is sent to after success. Only absolute http(s) URLs whose origin is
 * allowed: anything else would make ctidesk an open redirect that a hostile page could use
 * to bounce the agent anywhere (after a login, with the agent's trust in localhost).
 */
export function parseRedirect(value: string | undefined, allowed: ReadonlySet<string>): Parsed<string | null> {
	if (value === undefined || value === '') return {ok: true, value: null};
	if (value.length > limits.url) return {ok: false, message: `Parameter url is longer than ${limits.url} characters.`};
	// Check the raw text before the URL parser forgives it: it strips leading spaces, turns
	// backslashes into slashes and resolves `//host`, all of which hide where the browser goes.
	if (!/^https?:\/\/[^/\\?#@]/i.test(value) || value.includes('\\') || /\s/.test(value)) {
		return {ok: false, message: 'Parameter url must be an absolute http:// or https:// URL.'};
	}
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return {ok: false, message: 'Parameter url is not a valid URL.'};
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return {ok: false, message: 'Parameter url must be an absolute http:// or https:// URL.'};
	}
	if (url.username !== '' || url.password !== '') {
		return {ok: false, message: 'Parameter url must not contain a user name or password.'};
	}
	if (!allowed.has(url.origin)) {
		return {
			ok: false,
			message: `Redirect to ${printable(url.origin, 80)} is not allowed: add it to server.allowedOrigins in the config.`,
		};
	}
	return {ok: true, value: url.href};
}
