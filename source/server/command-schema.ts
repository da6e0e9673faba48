// POST /api/command's body, checked as strictly as the CGI parameters (validate.ts): every
// Command variant of core/types.ts, with the same limits, the same control-character rule
// (none reaches a driver, a log line or the TUI) and the same number normalisation as call.cgi.
// One schema per variant, looked up by `type`, so a wrong type gets one clear message instead
// of zod's "no union member matched".
import {z} from 'zod';
import type {Config} from '../config/schema.js';
import type {Command, CommandType} from '../core/types.js';
import {hasControlCharacter, limits, parseNumber, printable, type Parsed} from './validate.js';

/** A wrap-up note, as the TUI's note prompt and $EDITOR path bound it. */
export const noteLimit = 500;

function text(max: number, {trimmed = true, allowEmpty = false} = {}) {
	const size = allowEmpty ? `at most ${max} characters` : `1 to ${max} characters`;
	return z
		.string({error: `must be text (${size})`})
		.min(allowEmpty ? 0 : 1, {error: 'must not be empty'})
		.max(max, {error: `must be at most ${max} characters`})
		.refine((value) => !hasControlCharacter(value), {error: 'must not contain control characters'})
		.refine((value) => !trimmed || value.trim() === value, {error: 'must not have leading or trailing spaces'});
}

function oneOf(values: readonly string[], what: string) {
	return text(limits.reason).refine((value) => values.includes(value), {
		error: `must be one of the configured ${what}: ${values.join(', ')}`,
	});
}

/** A dialable number: normalised exactly as call.cgi and transfer.cgi do (separators stripped). */
const phoneNumber = z
	.string({error: 'must be a phone number (text)'})
	.refine((value) => !hasControlCharacter(value), {error: 'must not contain control characters'})
	.transform((value, context) => {
		const parsed = parseNumber(value, 'it');
		if (parsed.ok) return parsed.value;
		context.addIssue({code: 'custom', message: parsed.message.replace(/^Parameter it /, '')});
		return z.NEVER;
	});

const bare = <Type extends CommandType>(type: Type) => z.strictObject({type: z.literal(type)});

function variants(config: Pick<Config, 'reasons' | 'dispositions'>) {
	const schemas = {
		login: z.strictObject({type: z.literal('login'), user: text(limits.user), password: text(limits.pass, {trimmed: false})}),
		logout: bare('logout'),
		ready: bare('ready'),
		away: z.strictObject({type: z.literal('away'), reason: oneOf(config.reasons, 'reasons')}),
		answer: bare('answer'),
		hangup: bare('hangup'),
		hold: bare('hold'),
		unhold: bare('unhold'),
		dial: z.strictObject({type: z.literal('dial'), number: phoneNumber}),
		transfer: z.strictObject({
			type: z.literal('transfer'),
			target: phoneNumber,
			mode: z.enum(['blind', 'consult'], {error: 'must be "blind" or "consult"'}),
		}),
		'complete-transfer': bare('complete-transfer'),
		'cancel-transfer': bare('cancel-transfer'),
		conference: bare('conference'),
		dtmf: z.strictObject({
			type: z.literal('dtmf'),
			digits: z.string({error: 'must be text'}).regex(/^[0-9*#A-D]{1,32}$/, {error: 'must be 1 to 32 of 0-9, *, # and A-D'}),
		}),
		mute: bare('mute'),
		unmute: bare('unmute'),
		disposition: z.strictObject({
			type: z.literal('disposition'),
			code: oneOf(config.dispositions, 'wrap-up codes'),
			note: text(noteLimit, {trimmed: false, allowEmpty: true}).nullable(),
			// Any recent call (an attached TUI codes a History row); absent: the last call.
			callId: text(64).optional(),
		}),
		'inject-call': bare('inject-call'),
	} satisfies {[Type in CommandType]: z.ZodType<Extract<Command, {type: Type}>, unknown>};
	return schemas as Record<CommandType, z.ZodType<Command, unknown>>;
}

const cache = new WeakMap<object, Record<CommandType, z.ZodType<Command, unknown>>>();

const bodySchema = z.strictObject({command: z.unknown()});

function describeIssue(issue: z.core.$ZodIssue): string {
	const path = ['command', ...issue.path.map(String)].join('.');
	if (issue.code === 'unrecognized_keys') return `${path} has an unknown field: ${issue.keys.map((key) => printable(key, 32)).join(', ')}.`;
	return `${path} ${issue.message}.`;
}

/** `{command: {...}}` → a Command the session may run, or a readable refusal. */
export function parseCommandBody(body: unknown, config: Pick<Config, 'reasons' | 'dispositions'>): Parsed<Command> {
	const outer = bodySchema.safeParse(body);
	if (!outer.success || outer.data.command === undefined) {
		return {ok: false, message: 'The body must be a JSON object {"command": {"type": …}} and nothing else.'};
	}
	const command = outer.data.command;
	if (typeof command !== 'object' || command === null || Array.isArray(command)) {
		return {ok: false, message: 'command must be an object with a type.'};
	}
	let schemas = cache.get(config);
	if (!schemas) cache.set(config, (schemas = variants(config)));
	const type = (command as {type?: unknown}).type;
	if (typeof type !== 'string' || !Object.hasOwn(schemas, type)) {
		const shown = typeof type === 'string' ? printable(type, 32) : String(typeof type);
		return {ok: false, message: `command.type ${shown} is not a command: use one of ${Object.keys(schemas).join(', ')}.`};
	}
	const parsed = schemas[type as CommandType].safeParse(command);
	if (!parsed.success) return {ok: false, message: describeIssue(parsed.error.issues[0]!)};
	return {ok: true, value: parsed.data};
}
