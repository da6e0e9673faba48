// The config file's one schema: types, defaults and error messages live here and nowhere else
// (SPEC section 8). Every object section has a default, so a file holding only some keys is
// merged over the defaults at any depth; lists are replaced whole. Objects are strict: a typo
// such as `wrapupSeconds` is an error, never silently ignored.
import {z} from 'zod';
import {closestWord} from '../core/edit-distance.js';
import {browserSection, pop} from './pop-rules.js';
import {
	boolean,
	commandName,
	decimal,
	entry,
	groups,
	hasControlCharacters,
	httpUrl,
	id,
	integer,
	keyBinding,
	list,
	oneOf,
	origin,
	passwordHash,
	port,
	queue,
	section,
	text,
} from './value-rules.js';

// ---------------------------------------------------------------------------------------------
// Defaults that are not obvious.

/**
 * scrypt hash of '101', the documented demo agent's password (SPEC section 8). Precomputed so
 * that building the defaults never runs scrypt; test/config/password.test.ts checks it.
 */
export const demoPasswordHash =
	'scrypt$N=16384,r=8,p=1$se23VWJys9QAIsvFS8SinQ==$uJ3tZ4T3+SBWHhOQeZ2Nspt8E9uUKO47MI2QyTYbONc=';

// ---------------------------------------------------------------------------------------------
// The schema.

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
				const suggestion = closestWord(key, known, Math.max(1, Math.floor(key.length / 4)));
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
