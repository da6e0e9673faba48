// Value rules of the config schema: one message per rule ("what is allowed"), so the reader gets
// one clear line per bad key whatever zod tripped on. Used by schema.ts and pop-rules.ts.
import {z} from 'zod';
import {isPasswordHash} from './password.js';

// ---------------------------------------------------------------------------------------------
// Value rules. Each rule uses one message for every way a value can be wrong ("what is
// allowed"), so the reader gets one clear line per bad key whatever zod tripped on.

export function hasControlCharacters(value: string): boolean {
	for (const char of value) {
		const code = char.codePointAt(0)!;
		if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
	}
	return false;
}

export function integer(min: number, max: number) {
	const message = `must be an integer from ${min} to ${max}`;
	return z
		.number({error: message})
		.int({error: message})
		.min(min, {error: message})
		.max(max, {error: message});
}

export function decimal(min: number, max: number) {
	const message = `must be a number from ${min} to ${max}`;
	return z.number({error: message}).min(min, {error: message}).max(max, {error: message});
}

export const port = () => integer(1, 65_535);

export const boolean = () => z.boolean({error: 'must be true or false'});

export function oneOf<const Values extends readonly [string, ...string[]]>(values: Values) {
	return z.enum(values, {
		error: `must be one of ${values.map((value) => JSON.stringify(value)).join(', ')}`,
	});
}

/** Free text for one line: no control characters (they would break AMI lines, URLs and the TUI). */
export function text(maxLength: number, {allowEmpty}: {allowEmpty: boolean}) {
	const message = allowEmpty
		? `must be text of at most ${maxLength} characters, without control characters`
		: `must be text of 1 to ${maxLength} characters, without control characters`;
	return z
		.string({error: message})
		.min(allowEmpty ? 0 : 1, {error: message})
		.max(maxLength, {error: message})
		.refine((value) => !hasControlCharacters(value), {error: message});
}

/** Agent, employee, group and queue ids, user names, contexts. */
export const id = () => text(64, {allowEmpty: false});

export function list<Item extends z.ZodType>(item: Item, what: string) {
	return z
		.array(item, {error: `must be a non-empty list of ${what}`})
		.min(1, {error: `must be a non-empty list of ${what}`})
		.superRefine((values, context) => {
			const seen = new Set<unknown>();
			for (const [index, value] of values.entries()) {
				if (seen.has(value)) {
					context.addIssue({
						code: 'custom',
						path: [index],
						input: value,
						message: `must not repeat an earlier entry (${what} must be distinct)`,
					});
				}
				seen.add(value);
			}
		});
}

export const groups = () => list(id(), 'group ids (strings)');

/**
 * An Asterisk queue: its name, or {name, groupId} where groupId is what pops, status.cgi and the
 * TUI show (the original interface's group number); a bare name is its own group id.
 */
export function queue() {
	const message = 'must be a queue name like "support" or {"name": "support", "groupId": "1"}';
	return z.union([id(), z.strictObject({name: id(), groupId: id()})], {error: message});
}

export function isHttpUrl(value: string): boolean {
	if (!URL.canParse(value)) return false;
	const url = new URL(value);
	return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/** A pop or home URL: '' turns it off. */
export function optionalHttpUrl() {
	const message = 'must be "" (none) or an absolute http:// or https:// URL';
	return z
		.string({error: message})
		.max(2048, {error: message})
		.refine((value) => value === '' || (!hasControlCharacters(value) && isHttpUrl(value)), {
			error: message,
		});
}

export function httpUrl() {
	const message = 'must be an absolute http:// or https:// URL';
	return z
		.string({error: message})
		.max(2048, {error: message})
		.refine((value) => !hasControlCharacters(value) && isHttpUrl(value), {error: message});
}

/** An origin exactly as a browser sends it in the Origin header: scheme://host[:port], nothing more. */
export function origin() {
	const message =
		'must be an origin: http(s)://host or http(s)://host:port, lowercase, no path or trailing slash';
	return z
		.string({error: message})
		.refine((value) => isHttpUrl(value) && new URL(value).origin === value, {
			error: message,
		});
}

export function passwordHash() {
	const message = 'must be a scrypt password hash ("scrypt$N=…$salt$hash"), never a plain password';
	return z.string({error: message}).refine((value) => isPasswordHash(value), {error: message});
}

/**
 * A strict object section whose own default is "all defaults": `prefault({})` runs `{}`
 * through the schema, so nested defaults fill in (zod 4's `.default()` would return `{}`
 * as is, without them).
 */
export function section<Shape extends z.ZodRawShape>(shape: Shape) {
	// Typed `never` because TS cannot see through the generic shape that every field has a
	// default; the defaults test parses `{}` and would fail if one did not.
	return z.strictObject(shape, {error: sectionError}).prefault({} as never);
}

/** A strict object that is a list item: its fields are required, it has no default. */
export function entry<Shape extends z.ZodRawShape>(shape: Shape) {
	return z.strictObject(shape, {error: sectionError});
}

export function sectionError(issue: {code: string}): string | undefined {
	// Unknown keys are formatted by formatConfigError, which can name each key and suggest the right one.
	return issue.code === 'invalid_type' ? 'must be a JSON object {…}' : undefined;
}

// A key is one printable character ('r', '?', 'ä') or a named key with modifiers ('ctrl+l', 'shift+tab', 'f5').
export const namedKey =
	/^(?:(?:ctrl|meta|shift|alt)\+)*(?:[a-z0-9]|f[1-9]|f1[0-2]|tab|enter|return|escape|esc|space|up|down|left|right|pageup|pagedown|home|end|delete|backspace)$/i;

export function isKey(value: string): boolean {
	if ([...value].length === 1) return !hasControlCharacters(value) && value.trim() !== '';
	return namedKey.test(value);
}

export function keyBinding() {
	const message =
		'must be one printable character (like "r" or "?") or a key name like "ctrl+l", "shift+tab", "f5"';
	return z.string({error: message}).max(32, {error: message}).refine(isKey, {error: message});
}

export const commandName = z.string().regex(/^[a-z][a-z0-9:-]{0,39}$/, {
	error: 'must be a command name in lowercase, like "ready" or "not-ready"',
});
