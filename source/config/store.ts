// Loading and saving the config file. Loading never writes over the user's file: a missing
// file is created with the defaults, anything else that is wrong is reported and left alone.
// Saving is atomic (storage/atomic-write.ts), so a crash leaves the old file or the new one,
// never half of one.
import fs from 'node:fs';
import {writeFileAtomicSync, type AtomicWriteOptions} from '../storage/atomic-write.js';
import {hashPassword} from './password.js';
import {
	configSchema,
	defaultConfig,
	formatConfigError,
	formatKeyPath,
	validateConfig,
} from './schema.js';
import type {Config, DriverName} from './schema.js';

export type LoadConfigResult =
	{ok: true; config: Config; created: boolean; warning?: string} | {ok: false; message: string};

export type SaveConfigResult = {ok: true} | {ok: false; message: string};

/** Reads, validates and defaults the config file; creates it with the defaults when missing. */
export function loadConfig(file: string): LoadConfigResult {
	let raw: string;
	try {
		raw = fs.readFileSync(file, 'utf8');
	} catch (error) {
		if (errorCode(error) !== 'ENOENT')
			return {ok: false, message: `${file}: cannot read the config file (${describe(error)})`};
		const config = defaultConfig();
		const saved = saveConfig(file, config);
		// A read-only home should not stop an agent from working: run on the defaults and say so.
		return saved.ok
			? {ok: true, config, created: true}
			: {ok: true, config, created: false, warning: `${saved.message}; running with the defaults`};
	}

	// Editors on Windows like to start files with a byte-order mark; JSON.parse does not.
	const source = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
	if (source.trim() === '') {
		return {
			ok: false,
			message: `${file}: the file is empty; write {} for all defaults, or delete it to have it recreated`,
		};
	}
	let input: unknown;
	try {
		input = JSON.parse(source);
	} catch (error) {
		return {ok: false, message: describeJsonError(file, source, error)};
	}
	const result = validateConfig(input, file);
	return result.ok ? {ok: true, config: result.config, created: false} : result;
}

export type SaveConfigOptions = AtomicWriteOptions;

/**
 * Writes the config atomically with mode 0600 (it holds password hashes and the AMI secret):
 * a temp file in the same folder, fsync, rename over the target, fsync the folder. On any
 * failure the target is untouched and the temp file is removed.
 */
export function saveConfig(
	file: string,
	config: Config,
	options: SaveConfigOptions = {},
): SaveConfigResult {
	const checked = configSchema.safeParse(config, {reportInput: true});
	if (!checked.success)
		return {
			ok: false,
			message: `refusing to save an invalid config:\n${formatConfigError(checked.error, file)}`,
		};
	const content = `${JSON.stringify(checked.data, null, '\t')}\n`;
	try {
		writeFileAtomicSync(file, content, options);
	} catch (error) {
		return {ok: false, message: `${file}: cannot save the config file (${describe(error)})`};
	}
	return {ok: true};
}

/**
 * Sets the settings screen's admin password in the config file (`ctidesk set-admin-password`):
 * the file as it is, with only admin.passwordHash changed (no command-line flag is ever saved).
 */
export function setAdminPassword(file: string, password: string): SaveConfigResult {
	const loaded = loadConfig(file);
	if (!loaded.ok) return loaded;
	return saveConfig(file, {...loaded.config, admin: {...loaded.config.admin, passwordHash: hashPassword(password)}});
}

export interface ConfigOverrides {
	/** `--port N`: a number, or the flag's text as typed. */
	port?: number | string | undefined;
	/** `--pbx sim|asterisk`. */
	pbx?: DriverName | string | undefined;
}

const flagNames: Record<string, string> = {'server.port': '--port', 'pbx.driver': '--pbx'};

/** Applies command-line overrides, validated by the same schema; errors name the flag. */
export function applyOverrides(
	config: Config,
	{port, pbx}: ConfigOverrides,
): {ok: true; config: Config} | {ok: false; message: string} {
	const portValue = typeof port === 'string' && /^\s*\d+\s*$/.test(port) ? Number(port) : port;
	const merged = {
		...config,
		server: portValue === undefined ? config.server : {...config.server, port: portValue},
		pbx: pbx === undefined ? config.pbx : {...config.pbx, driver: pbx},
	};
	const result = configSchema.safeParse(merged, {reportInput: true});
	if (result.success) return {ok: true, config: result.data};
	const label = (keyPath: readonly PropertyKey[]) => {
		const name = formatKeyPath(keyPath);
		return flagNames[name] ?? name;
	};
	return {ok: false, message: formatConfigError(result.error, undefined, label)};
}

// ---------------------------------------------------------------------------------------------

function errorCode(error: unknown): string | undefined {
	return (error as NodeJS.ErrnoException | undefined)?.code;
}

function describe(error: unknown): string {
	const code = errorCode(error);
	const message = error instanceof Error ? error.message : String(error);
	return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}

// ---------------------------------------------------------------------------------------------
// JSON syntax errors with a line and column. V8's messages give a position only for some
// errors (and echo the whole file for others, secrets included), so find the spot ourselves.

class JsonSyntaxError extends Error {
	constructor(
		readonly offset: number,
		message: string,
	) {
		super(message);
	}
}

function describeJsonError(file: string, source: string, error: unknown): string {
	const found = locateJsonError(source);
	if (!found)
		return `${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`;
	const {line, column} = lineAndColumn(source, found.offset);
	return `${file}:${line}:${column}: not valid JSON — ${found.message}`;
}

function lineAndColumn(source: string, offset: number): {line: number; column: number} {
	const before = source.slice(0, offset);
	const line = before.split('\n').length;
	const column = offset - (before.lastIndexOf('\n') + 1) + 1;
	return {line, column};
}

/** Where JSON.parse would stop, and why, in words; null if the text is valid. Exported for tests. */
export function locateJsonError(source: string): {offset: number; message: string} | null {
	let index = 0;

	const fail = (message: string): never => {
		throw new JsonSyntaxError(index, message);
	};
	const unexpected = (expected: string): never => {
		if (index >= source.length) return fail(`the file ends too early; expected ${expected}`);
		const char = source[index]!;
		if (char === '/') return fail('comments are not allowed in JSON');
		if (char === "'") return fail('strings and names must use double quotes');
		return fail(`unexpected ${JSON.stringify(char)}; expected ${expected}`);
	};
	const skipSpace = () => {
		while (index < source.length && ' \t\n\r'.includes(source[index]!)) index++;
	};
	const parseString = () => {
		index++;
		for (;;) {
			if (index >= source.length) fail('a string is not closed (missing ")');
			const char = source[index]!;
			if (char === '"') {
				index++;
				return;
			}
			if (char === '\\') {
				const next = source[index + 1];
				if (next === 'u') {
					if (!/^[0-9a-fA-F]{4}$/.test(source.slice(index + 2, index + 6)))
						fail('invalid \\u escape in a string');
					index += 6;
				} else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
					index += 2;
				} else {
					fail('invalid escape in a string (a backslash must be written \\\\)');
				}
				continue;
			}
			if (char.charCodeAt(0) < 0x20)
				fail('a line break or control character inside a string (write \\n or \\t)');
			index++;
		}
	};
	const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
	const parseValue = (depth: number): void => {
		if (depth > 512) fail('nested too deeply');
		skipSpace();
		const char = source[index];
		if (char === '{') {
			index++;
			skipSpace();
			if (source[index] === '}') {
				index++;
				return;
			}
			for (;;) {
				skipSpace();
				if (source[index] === '}') fail('a trailing comma before } is not allowed');
				if (source[index] !== '"') unexpected('a property name in double quotes');
				parseString();
				skipSpace();
				if (source[index] !== ':') unexpected('":" after the property name');
				index++;
				parseValue(depth + 1);
				skipSpace();
				if (source[index] === ',') {
					index++;
					continue;
				}
				if (source[index] === '}') {
					index++;
					return;
				}
				unexpected('"," or "}" after a property value');
			}
		}
		if (char === '[') {
			index++;
			skipSpace();
			if (source[index] === ']') {
				index++;
				return;
			}
			for (;;) {
				skipSpace();
				if (source[index] === ']') fail('a trailing comma before ] is not allowed');
				parseValue(depth + 1);
				skipSpace();
				if (source[index] === ',') {
					index++;
					continue;
				}
				if (source[index] === ']') {
					index++;
					return;
				}
				unexpected('"," or "]" after a list item');
			}
		}
		if (char === '"') return parseString();
		if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) {
			numberPattern.lastIndex = index;
			if (!numberPattern.test(source)) fail('invalid number');
			index = numberPattern.lastIndex;
			return;
		}
		for (const word of ['true', 'false', 'null']) {
			if (source.startsWith(word, index)) {
				index += word.length;
				return;
			}
		}
		unexpected('a value (object, list, string, number, true, false or null)');
	};

	try {
		parseValue(0);
		skipSpace();
		if (index < source.length) unexpected('the end of the file after the top-level value');
		return null;
	} catch (error) {
		if (error instanceof JsonSyntaxError) return {offset: error.offset, message: error.message};
		throw error;
	}
}
