// The config file's one schema: types, defaults and error messages live here and nowhere else
// (SPEC section 8). Every object section has a default, so a file holding only some keys is
// merged over the defaults at any depth; lists are replaced whole. Objects are strict: a typo
// such as `wrapupSeconds` is an error, never silently ignored.
import {z} from 'zod';
import {isPasswordHash} from './password.js';

// ---------------------------------------------------------------------------------------------
// Value rules. Each rule uses one message for every way a value can be wrong ("what is
// allowed"), so the reader gets one clear line per bad key whatever zod tripped on.

function hasControlCharacters(value: string): boolean {
	for (const char of value) {
		const code = char.codePointAt(0)!;
		if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
	}
	return false;
}

function integer(min: number, max: number) {
	const message = `must be an integer from ${min} to ${max}`;
	return z
		.number({error: message})
		.int({error: message})
		.min(min, {error: message})
		.max(max, {error: message});
}

function decimal(min: number, max: number) {
	const message = `must be a number from ${min} to ${max}`;
	return z.number({error: message}).min(min, {error: message}).max(max, {error: message});
}

const port = () => integer(1, 65_535);

const boolean = () => z.boolean({error: 'must be true or false'});

function oneOf<const Values extends readonly [string, ...string[]]>(values: Values) {
	return z.enum(values, {
		error: `must be one of ${values.map((value) => JSON.stringify(value)).join(', ')}`,
	});
}

/** Free text for one line: no control characters (they would break AMI lines, URLs and the TUI). */
function text(maxLength: number, {allowEmpty}: {allowEmpty: boolean}) {
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
const id = () => text(64, {allowEmpty: false});

function list<Item extends z.ZodType>(item: Item, what: string) {
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

const groups = () => list(id(), 'group ids (strings)');

/**
 * An Asterisk queue: its name, or {name, groupId} where groupId is what pops, status.cgi and the
 * TUI show (the original interface's group number); a bare name is its own group id.
 */
function queue() {
	const message = 'must be a queue name like "support" or {"name": "support", "groupId": "1"}';
	return z.union([id(), z.strictObject({name: id(), groupId: id()})], {error: message});
}

function isHttpUrl(value: string): boolean {
	if (!URL.canParse(value)) return false;
	const url = new URL(value);
	return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/** A pop or home URL: '' turns it off. */
function optionalHttpUrl() {
	const message = 'must be "" (none) or an absolute http:// or https:// URL';
	return z
		.string({error: message})
		.max(2048, {error: message})
		.refine((value) => value === '' || (!hasControlCharacters(value) && isHttpUrl(value)), {
			error: message,
		});
}

function httpUrl() {
	const message = 'must be an absolute http:// or https:// URL';
	return z
		.string({error: message})
		.max(2048, {error: message})
		.refine((value) => !hasControlCharacters(value) && isHttpUrl(value), {error: message});
}

/** An origin exactly as a browser sends it in the Origin header: scheme://host[:port], nothing more. */
function origin() {
	const message =
		'must be an origin: http(s)://host or http(s)://host:port, lowercase, no path or trailing slash';
	return z
		.string({error: message})
		.refine((value) => isHttpUrl(value) && new URL(value).origin === value, {
			error: message,
		});
}

function passwordHash() {
	const message = 'must be a scrypt password hash ("scrypt$N=…$salt$hash"), never a plain password';
	return z.string({error: message}).refine((value) => isPasswordHash(value), {error: message});
}

/**
 * A strict object section whose own default is "all defaults": `prefault({})` runs `{}`
 * through the schema, so nested defaults fill in (zod 4's `.default()` would return `{}`
 * as is, without them).
 */
function section<Shape extends z.ZodRawShape>(shape: Shape) {
	// Typed `never` because TS cannot see through the generic shape that every field has a
	// default; the defaults test parses `{}` and would fail if one did not.
	return z.strictObject(shape, {error: sectionError}).prefault({} as never);
}

/** A strict object that is a list item: its fields are required, it has no default. */
function entry<Shape extends z.ZodRawShape>(shape: Shape) {
	return z.strictObject(shape, {error: sectionError});
}

function sectionError(issue: {code: string}): string | undefined {
	// Unknown keys are formatted by formatConfigError, which can name each key and suggest the right one.
	return issue.code === 'invalid_type' ? 'must be a JSON object {…}' : undefined;
}

// ---------------------------------------------------------------------------------------------
// Defaults that are not obvious.

/**
 * scrypt hash of '101', the documented demo agent's password (SPEC section 8). Precomputed so
 * that building the defaults never runs scrypt; test/config/password.test.ts checks it.
 */
export const demoPasswordHash =
	'scrypt$N=16384,r=8,p=1$se23VWJys9QAIsvFS8SinQ==$uJ3tZ4T3+SBWHhOQeZ2Nspt8E9uUKO47MI2QyTYbONc=';

// A key is one printable character ('r', '?', 'ä') or a named key with modifiers ('ctrl+l', 'shift+tab', 'f5').
const namedKey =
	/^(?:(?:ctrl|meta|shift|alt)\+)*(?:[a-z0-9]|f[1-9]|f1[0-2]|tab|enter|return|escape|esc|space|up|down|left|right|pageup|pagedown|home|end|delete|backspace)$/i;

function isKey(value: string): boolean {
	if ([...value].length === 1) return !hasControlCharacters(value) && value.trim() !== '';
	return namedKey.test(value);
}

function keyBinding() {
	const message =
		'must be one printable character (like "r" or "?") or a key name like "ctrl+l", "shift+tab", "f5"';
	return z.string({error: message}).max(32, {error: message}).refine(isKey, {error: message});
}

const commandName = z.string().regex(/^[a-z][a-z0-9:-]{0,39}$/, {
	error: 'must be a command name in lowercase, like "ready" or "not-ready"',
});

// ---------------------------------------------------------------------------------------------
// The schema.

const popModes = ['browser', 'hidden', 'off'] as const;

// --- browser (issue 15): the managed browser, system browser or opener over SSH -------------

const windowMessage =
	'must be {"width", "height"} with optional "x", "y" (pixels), or text like "900x700" or "900x700+40+40"; "" for a tab';

/** "900x700" or "900x700+40+40" (X11 geometry), the form the settings screen edits. */
const windowGeometry = /^\s*(\d{1,5})\s*x\s*(\d{1,5})\s*(?:([+-]\d{1,5})\s*([+-]\d{1,5}))?\s*$/;

/** A pop window's size and position; absent (or "") opens the pop as a tab. */
function popWindow() {
	const object = z.strictObject(
		{
			width: integer(200, 10_000),
			height: integer(150, 10_000),
			x: integer(-10_000, 10_000).optional(),
			y: integer(-10_000, 10_000).optional(),
		},
		{error: windowMessage},
	);
	const geometry = z.string({error: windowMessage}).transform((value, context) => {
		if (value.trim() === '') return undefined;
		const match = windowGeometry.exec(value);
		const parsed = match
			? object.safeParse({
					width: Number(match[1]),
					height: Number(match[2]),
					...(match[3] === undefined ? {} : {x: Number(match[3]), y: Number(match[4])}),
				})
			: null;
		if (parsed?.success) return parsed.data;
		context.addIssue({code: 'custom', input: value, message: windowMessage});
		return z.NEVER;
	});
	return z.union([object, geometry], {error: windowMessage}).optional();
}

const browserModes = ['managed', 'system', 'remote'] as const;

/** The "browser" section: how visible pops, the home page and hidden pops reach a browser. */
function browserSection() {
	return section({
		/** managed: ctidesk drives a Chromium-family browser; system: the default browser; remote: `ctidesk opener` over SSH. */
		mode: oneOf(browserModes).default('managed'),
		/** managed: the Chromium/Chrome/Edge binary ('' = find one); system: a command with {url} ('' = the default browser). */
		executable: text(1024, {allowEmpty: true}).default(''),
		/** managed: run the browser without windows (tests, kiosks). */
		headless: boolean().default(false),
		/** A URL prefix of the CRM's login page: a hidden pop that ends there is "not logged in" ('' = recognise it by its password field). */
		loginUrl: optionalHttpUrl().default(''),
		remote: section({
			/** The opener's port on the agent's machine, forwarded with `ssh -R 2226:127.0.0.1:2226`. */
			port: port().default(2226),
			/** The token `ctidesk opener` printed at setup ('' = no opener: pops show as links). */
			token: z
				.string({error: 'must be "" or the token ctidesk opener printed (letters, digits, - and _)'})
				.regex(/^[A-Za-z0-9_-]{0,128}$/, {
					error: 'must be "" or the token ctidesk opener printed (letters, digits, - and _)',
				})
				.default(''),
		}),
	});
}

function pop(defaultMode: (typeof popModes)[number]) {
	return section({
		url: optionalHttpUrl().default(''),
		mode: oneOf(popModes).default(defaultMode),
		/** Managed browser: open this pop as a window of this size and position (absent: a tab). */
		window: popWindow(),
	});
}

export const configSchema = z.strictObject(
	{
		/** Who sits at this desk: the default login user and the identity the driver uses. */
		agent: section({
			user: id().default('101'),
			agentId: id().default('1'),
			empId: id().default('001'),
			extension: id().default('101'),
			groups: groups().default(() => ['1']),
		}),
		/** The login directory that the login key and login.cgi check, for every driver. */
		agents: z
			.array(
				entry({
					user: id(),
					password: passwordHash(),
					agentId: id(),
					empId: id(),
					groups: groups(),
				}),
				{error: 'must be a list of agents {user, password, agentId, empId, groups}'},
			)
			.superRefine((agents, context) => {
				const seen = new Set<string>();
				for (const [index, agent] of agents.entries()) {
					if (seen.has(agent.user)) {
						context.addIssue({
							code: 'custom',
							path: [index, 'user'],
							input: agent.user,
							message: 'must be unique: another agent entry has the same user',
						});
					}
					seen.add(agent.user);
				}
			})
			.default(() => [
				{user: '101', password: demoPasswordHash, agentId: '1', empId: '001', groups: ['1']},
			]),
		pbx: section({
			driver: oneOf(['sim', 'asterisk']).default('sim'),
			/** The embedded simulated call centre. */
			sim: section({
				seed: integer(0, 2 ** 32 - 1).default(1),
				arrivalsPerMinute: decimal(0, 600).default(1),
				patienceSeconds: integer(1, 3600).default(90),
				ringSeconds: integer(1, 600).default(15),
				otherAgents: integer(0, 100).default(2),
				talkSeconds: integer(1, 3600).default(60),
			}),
			/** Asterisk over AMI. */
			asterisk: section({
				host: text(255, {allowEmpty: false}).default('127.0.0.1'),
				port: port().default(5038),
				username: id().default('ctidesk'),
				secret: text(256, {allowEmpty: true}).default(''),
				/** The agent's phone, e.g. PJSIP/1001. */
				interface: z
					.string({error: 'must be a channel like "PJSIP/1001" or "SIP/1001"'})
					.regex(/^[A-Za-z][A-Za-z0-9_-]*\/[^\s/][^\s]{0,79}$/, {
						error: 'must be a channel like "PJSIP/1001" or "SIP/1001"',
					})
					.default('PJSIP/101'),
				/** Queue names, or {name, groupId} to give CRMs the group number they expect. */
				queues: list(queue(), 'queue names').default(() => ['support']),
				outboundContext: id().default('outbound'),
				transferContext: id().default('internal'),
				/** Caller id for outbound calls; '' leaves it to the dialplan. */
				callerId: text(80, {allowEmpty: true}).default(''),
				/** The Events mask sent with the AMI Login action. */
				events: z
					.string({
						error:
							'must be "on", "off" or a comma-separated list of event classes like "call,agent"',
					})
					.regex(/^(?:on|off|[a-z]+(?:,[a-z]+)*)$/, {
						error:
							'must be "on", "off" or a comma-separated list of event classes like "call,agent"',
					})
					.default('call,agent'),
				/** Keep-alive Ping interval; 0 turns it off. */
				pingSeconds: integer(0, 3600).default(20),
				/** Hold: the customer is redirected here (music on hold) … */
				holdContext: id().default('hold'),
				/** … and the agent here (Wait) until the Bridge back (README: Asterisk dialplan). */
				agentWaitContext: id().default('agent-wait'),
				/** Blind transfer with the BlindTransfer action, or Redirect of the customer's channel. */
				blindTransfer: oneOf(['BlindTransfer', 'Redirect']).default('BlindTransfer'),
			}),
		}),
		server: section({
			/** 180 because CRM pages hard-code it (SPEC section 6). */
			port: port().default(180),
			/** Extra origins (CRM pages) allowed to call the local API from a browser. */
			allowedOrigins: z
				.array(origin(), {error: 'must be a list of origins like "https://crm.example.com"'})
				.default(() => []),
			/** Refuse loopback connections from other local users (SPEC section 9). */
			sameUserOnly: boolean().default(true),
			/** With sameUserOnly: also let root's connections drive a ctidesk run by another user. */
			allowRoot: boolean().default(false),
		}),
		pops: section({
			home: pop('browser'),
			ring: pop('browser'),
			answer: pop('browser'),
			hangup: pop('hidden'),
			wrapup: pop('hidden'),
			/** What the home URL gets after login: `user`,`sid`, or the legacy `agentid`,`user`,`password` (token). */
			loginParams: oneOf(['sid', 'legacy']).default('sid'),
			/** Also fire the ring pop when an outbound call starts dialing. */
			ringOnDial: boolean().default(false),
			/** Moved to browser.executable with browser.mode "system" (still read: source/browser/resolve-mode.ts). */
			browserCommand: z
				.string({error: 'must be "" (default browser) or a command containing {url}'})
				.max(1024, {error: 'must be "" (default browser) or a command containing {url}'})
				.refine(
					(value) => value === '' || (value.includes('{url}') && !hasControlCharacters(value)),
					{
						error: 'must be "" (default browser) or a command containing {url}',
					},
				)
				.default(''),
			/** Over SSH: also copy the pop URL to the local clipboard with OSC 52. */
			clipboard: boolean().default(false),
			/** Never start a browser (show a clickable link instead): what --no-browser sets; in a file, see browser.mode "remote". */
			noBrowser: boolean().default(false),
		}),
		browser: browserSection(),
		/** The preset CRM tabs. */
		links: z
			.array(entry({name: text(40, {allowEmpty: false}), url: httpUrl()}), {
				error: 'must be a list of links {name, url}',
			})
			.default(() => []),
		/** Not-ready reasons offered by the away key. */
		reasons: list(text(64, {allowEmpty: false}), 'reasons').default(() => [
			'break',
			'lunch',
			'meeting',
			'training',
		]),
		/** Wrap-up codes offered after a call. */
		dispositions: list(text(64, {allowEmpty: false}), 'dispositions').default(() => [
			'resolved',
			'callback',
			'escalated',
			'no-action',
		]),
		/** After-call work time; 0 = no wrap-up. */
		wrapUpSeconds: integer(0, 3600).default(30),
		language: oneOf(['en', 'zh-CN']).default('en'),
		/** Overrides of the default keymap: command name → key. */
		keys: z
			.record(commandName, keyBinding(), {
				error: 'must be an object of command → key, like {"ready": "r"}',
			})
			.default(() => ({})),
		/** Log the agent out of the PBX when ctidesk quits. */
		logoutOnExit: boolean().default(true),
		/**
		 * The terminal of an in-process desk went away (SIGHUP: a closed window, a dropped SSH
		 * link): pause the agent with reason "desk closed" (any call stays up), or log out.
		 */
		onTerminalLost: oneOf(['pause', 'logout']).default('pause'),
		// --- The agent's screen (issue 14): the ring and the labels shown for reasons and codes.
		/** What a ring does in the terminal, so a desk in a background tab is not missed. */
		ring: section({
			/** The terminal bell (BEL). */
			bell: boolean().default(true),
			/** A desktop notification where the terminal supports one (OSC 777 / OSC 9). */
			notify: boolean().default(true),
			/** The window (and tmux window) title shows "☎ <number>" while the call rings. */
			title: boolean().default(true),
		}),
		/**
		 * Labels of not-ready reasons and wrap-up codes per language, by id:
		 * {"zh-CN": {"lunch": "午饭"}}. The ids stay what the PBX, the CRM and the history see.
		 */
		labels: z
			.partialRecord(
				oneOf(['en', 'zh-CN']),
				z.record(z.string(), text(64, {allowEmpty: false}), {
					error: 'must be an object of id → label, like {"lunch": "午饭"}',
				}),
				{error: 'must be an object of language → {id: label}, like {"zh-CN": {"lunch": "午饭"}}'},
			)
			.default(() => ({})),
		// --- end of the screen's keys.
		log: section({
			level: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
		}),
		admin: section({
			/** Protects the settings screen; null = no admin password set yet. */
			passwordHash: passwordHash().nullable().default(null),
		}),
	},
	{error: (issue) => (issue.code === 'invalid_type' ? 'must be a JSON object {…}' : undefined)},
);

/** The fully defaulted config the app works with. */
export type Config = z.output<typeof configSchema>;
/** What a config file may hold: any subset of Config. */
export type ConfigInput = z.input<typeof configSchema>;

export type AgentConfig = Config['agent'];
export type AgentEntry = Config['agents'][number];
export type PbxConfig = Config['pbx'];
export type DriverName = PbxConfig['driver'];
export type SimConfig = PbxConfig['sim'];
export type AsteriskConfig = PbxConfig['asterisk'];
export type ServerConfig = Config['server'];
export type PopsConfig = Config['pops'];
export type PopConfig = PopsConfig['home'];
export type PopMode = PopConfig['mode'];
export type PopWindowConfig = NonNullable<PopConfig['window']>;
export type BrowserConfig = Config['browser'];
export type BrowserMode = BrowserConfig['mode'];
export type PopKind = 'home' | 'ring' | 'answer' | 'hangup' | 'wrapup';
export type LoginParams = PopsConfig['loginParams'];
export type LinkConfig = Config['links'][number];
export type Language = Config['language'];
export type KeysConfig = Config['keys'];
export type LogConfig = Config['log'];
export type AdminConfig = Config['admin'];

/** The defaults: what an empty file means. A fresh object every call. */
export function defaultConfig(): Config {
	return configSchema.parse({});
}

export type ParseConfigResult = {ok: true; config: Config} | {ok: false; error: z.ZodError};

/** Validates and defaults a parsed JSON value. Keeps the bad values on the issues for formatConfigError. */
export function parseConfig(input: unknown): ParseConfigResult {
	const result = configSchema.safeParse(input, {reportInput: true});
	return result.success ? {ok: true, config: result.data} : {ok: false, error: result.error};
}

/** parseConfig with the error already formatted: `{ok: false, message}` names every bad key. */
export function validateConfig(
	input: unknown,
	file?: string,
): {ok: true; config: Config} | {ok: false; message: string} {
	const result = parseConfig(input);
	return result.ok ? result : {ok: false, message: formatConfigError(result.error, file)};
}

// ---------------------------------------------------------------------------------------------
// Error messages: one line per problem, `file: key.path = value — what is allowed`.

// Values under these keys are secrets (or a plain password typed where a hash belongs): never echo them.
const secretKeys = new Set(['secret', 'password', 'passwordHash']);

/** Formats a key path the way a reader finds it in the file: `agents[0].user`, `keys["ctrl x"]`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
	if (path.length === 0) return '(top level)';
	let out = '';
	for (const segment of path) {
		if (typeof segment === 'number') out += `[${segment}]`;
		else if (typeof segment === 'string' && /^[A-Za-z_$][\w$-]*$/.test(segment))
			out += out === '' ? segment : `.${segment}`;
		else out += `[${JSON.stringify(String(segment))}]`;
	}
	return out;
}

function formatValue(value: unknown): string {
	if (value === undefined) return '(missing)';
	// JSON would show NaN and Infinity as null.
	if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
	let shown: string;
	try {
		shown = JSON.stringify(value) ?? String(value);
	} catch {
		shown = String(value);
	}
	return shown.length > 60 ? `${shown.slice(0, 57)}…` : shown;
}

/**
 * One line per problem, e.g. `config.json: server.port = 99999 — must be an integer from 1 to 65535`.
 * The value is shown when the error came from parseConfig (zod's reportInput); secrets never are.
 * `label` renames key paths for other sources (the CLI shows `--port` instead of `server.port`).
 */
export function formatConfigError(
	error: z.ZodError,
	file?: string,
	label: (path: readonly PropertyKey[]) => string = formatKeyPath,
): string {
	const prefix = file ? `${file}: ` : '';
	const lines: string[] = [];
	for (const issue of error.issues) {
		if (issue.code === 'unrecognized_keys') {
			const known = knownKeys(issue.path);
			for (const key of issue.keys) {
				const suggestion = suggestKey(key, known);
				const allowed = suggestion
					? `did you mean "${suggestion}"?`
					: `allowed here: ${known.length > 0 ? known.join(', ') : 'none'}`;
				lines.push(`${prefix}${label([...issue.path, key])} — unknown key; ${allowed}`);
			}
			continue;
		}
		const last = issue.path.at(-1);
		const hidden = typeof last === 'string' && secretKeys.has(last);
		const value =
			'input' in issue ? (hidden ? ' = (hidden)' : ` = ${formatValue(issue.input)}`) : '';
		lines.push(`${prefix}${label(issue.path)}${value} — ${issue.message}`);
	}
	// One bad value can trip several checks that share a message (a port of 0.5 is neither an integer nor ≥ 1).
	return [...new Set(lines)].join('\n');
}

/** The keys the schema allows at `path` (for "did you mean"), found by walking the schema. */
function knownKeys(path: readonly PropertyKey[]): string[] {
	let schema: unknown = configSchema;
	for (const segment of [...path, null]) {
		schema = unwrap(schema);
		if (segment === null) break;
		const def = definition(schema);
		if (def?.['type'] === 'object')
			schema = (def['shape'] as Record<string, unknown>)[String(segment)];
		else if (def?.['type'] === 'array') schema = def['element'];
		else if (def?.['type'] === 'record') schema = def['valueType'];
		else return [];
	}
	const def = definition(schema);
	return def?.['type'] === 'object' ? Object.keys(def['shape'] as object) : [];
}

function definition(schema: unknown): Record<string, unknown> | undefined {
	return (schema as {_zod?: {def?: Record<string, unknown>}} | undefined)?._zod?.def;
}

function unwrap(schema: unknown): unknown {
	let current = schema;
	for (;;) {
		const def = definition(current);
		if (!def) return current;
		const type = def['type'];
		if (type === 'default' || type === 'prefault' || type === 'optional' || type === 'nullable')
			current = def['innerType'];
		else if (type === 'pipe') current = def['in'];
		else return current;
	}
}

function suggestKey(key: string, known: readonly string[]): string | undefined {
	const lower = key.toLowerCase();
	let best: string | undefined;
	let bestDistance = Infinity;
	for (const candidate of known) {
		const distance =
			candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
		if (distance < bestDistance) {
			best = candidate;
			bestDistance = distance;
		}
	}
	return best !== undefined && bestDistance <= Math.max(1, Math.floor(key.length / 4))
		? best
		: undefined;
}

/** Optimal string alignment distance: a swap of two neighbours ('hots' → 'host') counts as one edit. */
function editDistance(a: string, b: string): number {
	const rows: number[][] = Array.from({length: a.length + 1}, (_, i) =>
		Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
	);
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
				best = Math.min(best, rows[i - 2]![j - 2]! + 1);
			rows[i]![j] = best;
		}
	}
	return rows[a.length]![b.length]!;
}
