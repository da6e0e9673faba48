import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {defaultConfig, demoPasswordHash} from '../../source/config/schema.js';
import {
	applyOverrides,
	loadConfig,
	locateJsonError,
	saveConfig,
} from '../../source/config/store.js';

let directory: string;
let file: string;

beforeEach(() => {
	directory = fs.mkdtempSync(path.join(os.tmpdir(), 'ctidesk-config-'));
	file = path.join(directory, 'config.json');
});

afterEach(() => {
	fs.rmSync(directory, {recursive: true, force: true});
});

function write(content: string): Buffer {
	fs.writeFileSync(file, content);
	return fs.readFileSync(file);
}

function modeOf(target: string): number {
	return fs.statSync(target).mode & 0o777;
}

function leftovers(): string[] {
	return fs.readdirSync(directory).filter((name) => name !== 'config.json');
}

describe('loadConfig', () => {
	it('creates a missing file with the defaults, mode 0600, and says so', () => {
		const result = loadConfig(file);
		expect(result).toEqual({ok: true, config: defaultConfig(), created: true});
		expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(defaultConfig());
		expect(modeOf(file)).toBe(0o600);
		expect(leftovers()).toEqual([]);
	});

	it('creates missing parent folders, private to the user', () => {
		const nested = path.join(directory, 'a', 'b', 'config.json');
		expect(loadConfig(nested)).toMatchObject({ok: true, created: true});
		expect(modeOf(path.join(directory, 'a', 'b'))).toBe(0o700);
	});

	it('loads the file it created, unchanged and not re-created', () => {
		loadConfig(file);
		const before = fs.readFileSync(file);
		expect(loadConfig(file)).toEqual({ok: true, config: defaultConfig(), created: false});
		expect(fs.readFileSync(file)).toEqual(before);
	});

	it('merges a partial file over the defaults without rewriting it', () => {
		const before = write('{"pbx": {"asterisk": {"host": "10.0.0.5"}}, "server": {"port": 8180}}');
		const result = loadConfig(file);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.created).toBe(false);
		expect(result.config.pbx.asterisk.host).toBe('10.0.0.5');
		expect(result.config.pbx.asterisk.port).toBe(5038);
		expect(result.config.server.port).toBe(8180);
		expect(result.config.reasons).toEqual(defaultConfig().reasons);
		expect(fs.readFileSync(file)).toEqual(before);
	});

	it('accepts a byte-order mark at the start of the file', () => {
		write('\uFEFF{"language": "zh-CN"}');
		expect(loadConfig(file)).toMatchObject({ok: true, config: {language: 'zh-CN'}});
	});

	it.each<[string, string, string[]]>([
		[
			'a bad port',
			'{"server": {"port": 99999}}',
			['server.port = 99999 — must be an integer from 1 to 65535'],
		],
		[
			'a typo',
			'{\n\t"wrapupSeconds": 10\n}',
			['wrapupSeconds — unknown key; did you mean "wrapUpSeconds"?'],
		],
		[
			'a bad pop mode and url',
			'{"pops": {"ring": {"url": "crm/ring", "mode": "tab"}}}',
			[
				'pops.ring.url = "crm/ring" — must be "" (none) or an absolute http:// or https:// URL',
				'pops.ring.mode = "tab" — must be one of "browser", "hidden", "off"',
			],
		],
		[
			'a plain password',
			'{"admin": {"passwordHash": "letmein"}}',
			['admin.passwordHash = (hidden) — must be a scrypt password hash'],
		],
	])(
		'refuses %s with a message naming file, key, value and rule, and leaves the file untouched',
		(_name, content, expected) => {
			const before = write(content);
			const result = loadConfig(file);
			expect(result.ok).toBe(false);
			if (result.ok) return;
			for (const line of expected) expect(result.message).toContain(`${file}: ${line}`);
			expect(result.message).not.toContain('letmein');
			expect(fs.readFileSync(file)).toEqual(before);
			expect(leftovers()).toEqual([]);
		},
	);

	it.each<[string, string, string]>([
		[
			'a trailing comma',
			'{\n\t"language": "en",\n}',
			':3:1: not valid JSON — a trailing comma before } is not allowed',
		],
		[
			'a missing colon',
			'{\n  "language" "en"\n}',
			':2:14: not valid JSON — unexpected "\\""; expected ":" after the property name',
		],
		[
			'a bad literal',
			'{"logoutOnExit": tru}',
			':1:18: not valid JSON — unexpected "t"; expected a value',
		],
		[
			'a comment',
			'{\n// agent\n"agent": {}}',
			':2:1: not valid JSON — comments are not allowed in JSON',
		],
		[
			'single quotes',
			"{'agent': {}}",
			':1:2: not valid JSON — strings and names must use double quotes',
		],
		[
			'a cut-off file',
			'{"agent": {"user": "101"',
			':1:25: not valid JSON — the file ends too early; expected "," or "}"',
		],
		[
			'an unclosed string',
			'{"agent": {"user": "101}}',
			':1:26: not valid JSON — a string is not closed',
		],
		['two values', '{} {}', ':1:4: not valid JSON — unexpected "{"; expected the end of the file'],
	])(
		'refuses JSON with %s, giving line and column, and leaves the file untouched',
		(_name, content, expected) => {
			const before = write(content);
			const result = loadConfig(file);
			expect(result).toEqual({ok: false, message: expect.stringContaining(`${file}${expected}`)});
			expect(fs.readFileSync(file)).toEqual(before);
		},
	);

	it('refuses an empty file with advice instead of overwriting it', () => {
		const before = write('  \n');
		const result = loadConfig(file);
		expect(result).toEqual({ok: false, message: expect.stringContaining('the file is empty')});
		expect(fs.readFileSync(file)).toEqual(before);
	});

	it('reports a file where a folder of the config path should be', () => {
		fs.writeFileSync(path.join(directory, 'blocker'), '');
		const result = loadConfig(path.join(directory, 'blocker', 'config.json'));
		expect(result).toEqual({
			ok: false,
			message: expect.stringContaining('cannot read the config file (ENOTDIR'),
		});
	});

	it('reports a config path that cannot be read as a file', () => {
		fs.mkdirSync(file);
		const result = loadConfig(file);
		expect(result).toEqual({
			ok: false,
			message: expect.stringContaining(`${file}: cannot read the config file (EISDIR`),
		});
		expect(fs.statSync(file).isDirectory()).toBe(true);
	});

	it('runs on the defaults with a warning when a missing file cannot be created', () => {
		// The folder is a dangling symlink: reading says "no such file", creating fails (root too).
		fs.symlinkSync(path.join(directory, 'missing', 'target'), path.join(directory, 'link'));
		const result = loadConfig(path.join(directory, 'link', 'config.json'));
		expect(result).toMatchObject({ok: true, created: false, config: defaultConfig()});
		expect(result.ok && result.warning).toContain('cannot save the config file');
	});
});

describe('locateJsonError', () => {
	it('finds nothing wrong in valid JSON of every kind', () => {
		const sample = '{"a": [1, -2.5e3, "x\\n\\u00e9", true, false, null, {}, []], "b": {"c": ""}}';
		expect(() => JSON.parse(sample)).not.toThrow();
		expect(locateJsonError(sample)).toBeNull();
	});

	it.each(['{"a": 01}', '{"a": "\\x"}', '{"a": "1\n2"}', '[1,]', '{"a": .5}', '-'])(
		'agrees with JSON.parse that %j is invalid',
		(sample) => {
			expect(() => JSON.parse(sample)).toThrow();
			expect(locateJsonError(sample)).not.toBeNull();
		},
	);
});

describe('saveConfig', () => {
	it('writes the config as readable JSON with mode 0600 and leaves no temp file', () => {
		const config = {...defaultConfig(), wrapUpSeconds: 45};
		expect(saveConfig(file, config)).toEqual({ok: true});
		const text = fs.readFileSync(file, 'utf8');
		expect(text).toContain('\n\t"wrapUpSeconds": 45,\n');
		expect(text.endsWith('}\n')).toBe(true);
		expect(loadConfig(file)).toEqual({ok: true, config, created: false});
		expect(modeOf(file)).toBe(0o600);
		expect(leftovers()).toEqual([]);
	});

	it('makes an existing, more open file private', () => {
		write('{}');
		fs.chmodSync(file, 0o644);
		expect(saveConfig(file, defaultConfig())).toEqual({ok: true});
		expect(modeOf(file)).toBe(0o600);
	});

	it('keeps the old file whole until the new one is complete (crash before rename)', () => {
		const before = write('{"language": "zh-CN"}');
		let sawTemp = false;
		const result = saveConfig(file, defaultConfig(), {
			beforeRename: (tempFile) => {
				// At the moment a crash could happen: the target is still the old file, the new one is complete beside it.
				expect(fs.readFileSync(file)).toEqual(before);
				expect(path.dirname(tempFile)).toBe(directory);
				expect(JSON.parse(fs.readFileSync(tempFile, 'utf8'))).toEqual(defaultConfig());
				expect(modeOf(tempFile)).toBe(0o600);
				sawTemp = true;
				throw Object.assign(new Error('simulated crash'), {code: 'EIO'});
			},
		});
		expect(sawTemp).toBe(true);
		expect(result).toEqual({
			ok: false,
			message: expect.stringContaining('cannot save the config file (EIO: simulated crash)'),
		});
		expect(fs.readFileSync(file)).toEqual(before);
		expect(leftovers()).toEqual([]);
	});

	it('leaves nothing behind when the rename itself fails', () => {
		// A non-empty folder at the target path makes the real rename(2) fail.
		fs.mkdirSync(file);
		fs.writeFileSync(path.join(file, 'keep'), 'x');
		const result = saveConfig(file, defaultConfig());
		expect(result.ok).toBe(false);
		expect(fs.readFileSync(path.join(file, 'keep'), 'utf8')).toBe('x');
		expect(leftovers()).toEqual([]);
	});

	it('refuses to save an invalid config and leaves the file untouched', () => {
		const before = write('{}');
		const config = {...defaultConfig(), server: {...defaultConfig().server, port: 0}};
		const result = saveConfig(file, config);
		expect(result).toEqual({
			ok: false,
			message: expect.stringContaining('server.port = 0 — must be an integer from 1 to 65535'),
		});
		expect(fs.readFileSync(file)).toEqual(before);
		expect(leftovers()).toEqual([]);
	});

	it('round-trips a custom config', () => {
		const config = defaultConfig();
		config.agents.push({
			user: '202',
			password: demoPasswordHash,
			agentId: '2',
			empId: '002',
			groups: ['1', '2'],
		});
		config.links.push({name: 'CRM', url: 'https://crm.example.com/'});
		config.keys['ready'] = 'R';
		expect(saveConfig(file, config)).toEqual({ok: true});
		expect(loadConfig(file)).toEqual({ok: true, config, created: false});
	});
});

describe('applyOverrides', () => {
	it('applies --port and --pbx', () => {
		const result = applyOverrides(defaultConfig(), {port: 8180, pbx: 'asterisk'});
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.config.server.port).toBe(8180);
		expect(result.config.pbx.driver).toBe('asterisk');
		expect(result.config.pbx.asterisk).toEqual(defaultConfig().pbx.asterisk);
	});

	it('accepts the port as the text typed on the command line', () => {
		expect(applyOverrides(defaultConfig(), {port: '8080'})).toMatchObject({
			ok: true,
			config: {server: {port: 8080}},
		});
	});

	it('changes nothing when no flag is given, and does not modify its input', () => {
		const config = defaultConfig();
		expect(applyOverrides(config, {})).toEqual({ok: true, config: defaultConfig()});
		applyOverrides(config, {port: 99, pbx: 'asterisk'});
		expect(config).toEqual(defaultConfig());
	});

	it.each<[string, {port?: number | string; pbx?: string}, string]>([
		['a port out of range', {port: 70_000}, '--port = 70000 — must be an integer from 1 to 65535'],
		[
			'a port that is not a number',
			{port: 'http'},
			'--port = "http" — must be an integer from 1 to 65535',
		],
		[
			'NaN from a number flag',
			{port: Number.NaN},
			'--port = NaN — must be an integer from 1 to 65535',
		],
		[
			'an unknown driver',
			{pbx: 'freeswitch'},
			'--pbx = "freeswitch" — must be one of "sim", "asterisk"',
		],
	])('refuses %s, naming the flag', (_name, overrides, expected) => {
		expect(applyOverrides(defaultConfig(), overrides)).toEqual({ok: false, message: expected});
	});
});
