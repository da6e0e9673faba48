import {describe, expect, it} from 'vitest';
import {
	configSchema,
	defaultConfig,
	demoPasswordHash,
	formatConfigError,
	parseConfig,
	validateConfig,
} from '../../source/config/schema.js';

function messageFor(input: unknown): string {
	const result = validateConfig(input, 'config.json');
	if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
	return result.message;
}

describe('defaults', () => {
	it('are what an empty file means, as documented', () => {
		expect(defaultConfig()).toEqual({
			agent: {user: '101', agentId: '1', empId: '001', extension: '101', groups: ['1']},
			agents: [
				{user: '101', password: demoPasswordHash, agentId: '1', empId: '001', groups: ['1']},
			],
			pbx: {
				driver: 'sim',
				sim: {
					seed: 1,
					arrivalsPerMinute: 1,
					patienceSeconds: 90,
					ringSeconds: 15,
					otherAgents: 2,
					talkSeconds: 60,
				},
				asterisk: {
					host: '127.0.0.1',
					port: 5038,
					username: 'ctidesk',
					secret: '',
					interface: 'PJSIP/101',
					queues: ['support'],
					outboundContext: 'outbound',
					transferContext: 'internal',
					callerId: '',
					events: 'call,agent',
					pingSeconds: 20,
					holdContext: 'hold',
					agentWaitContext: 'agent-wait',
					blindTransfer: 'BlindTransfer',
				},
			},
			server: {port: 180, allowedOrigins: [], sameUserOnly: true, allowRoot: false},
			pops: {
				home: {url: '', mode: 'browser'},
				ring: {url: '', mode: 'browser'},
				answer: {url: '', mode: 'browser'},
				hangup: {url: '', mode: 'hidden'},
				wrapup: {url: '', mode: 'hidden'},
				loginParams: 'sid',
				ringOnDial: false,
				browserCommand: '',
				clipboard: false,
				noBrowser: false,
			},
			browser: {
				mode: 'managed',
				executable: '',
				headless: false,
				loginUrl: '',
				remote: {port: 2226, token: ''},
			},
			links: [],
			reasons: ['break', 'lunch', 'meeting', 'training'],
			dispositions: ['resolved', 'callback', 'escalated', 'no-action'],
			wrapUpSeconds: 30,
			language: 'en',
			keys: {},
			logoutOnExit: true,
			onTerminalLost: 'pause',
			ring: {bell: true, notify: true, title: true},
			labels: {},
			log: {level: 'info'},
			admin: {passwordHash: null},
		});
	});

	it('are a fresh object every time, so one caller cannot change another’s defaults', () => {
		const first = defaultConfig();
		first.agents[0]!.groups.push('9');
		first.reasons.push('nap');
		first.agent.groups.push('9');
		const second = defaultConfig();
		expect(second.agents[0]!.groups).toEqual(['1']);
		expect(second.reasons).toHaveLength(4);
		expect(second.agent.groups).toEqual(['1']);
	});

	it('survive a round trip through JSON unchanged', () => {
		const config = defaultConfig();
		expect(configSchema.parse(JSON.parse(JSON.stringify(config)))).toEqual(config);
	});
});

describe('partial config', () => {
	it('takes queues as names or as {name, groupId}, and pauses on a lost terminal by default', () => {
		const result = parseConfig({
			pbx: {asterisk: {queues: ['sales', {name: 'support', groupId: '1'}]}},
		});
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.config.pbx.asterisk.queues).toEqual(['sales', {name: 'support', groupId: '1'}]);
		expect(result.config.onTerminalLost).toBe('pause');
	});

	it('merges over the defaults at any depth', () => {
		const result = parseConfig({
			pbx: {asterisk: {host: 'pbx.example.com'}},
			pops: {ring: {url: 'https://crm.example.com/ring'}},
			server: {port: 8180},
		});
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const {config} = result;
		expect(config.pbx.driver).toBe('sim');
		expect(config.pbx.sim.seed).toBe(1);
		expect(config.pbx.asterisk.host).toBe('pbx.example.com');
		expect(config.pbx.asterisk.port).toBe(5038);
		expect(config.pops.ring).toEqual({url: 'https://crm.example.com/ring', mode: 'browser'});
		expect(config.pops.hangup).toEqual({url: '', mode: 'hidden'});
		expect(config.server).toEqual({
			port: 8180,
			allowedOrigins: [],
			sameUserOnly: true,
			allowRoot: false,
		});
		expect(config.agents).toEqual(defaultConfig().agents);
	});

	it('replaces lists whole instead of merging them item by item', () => {
		const result = parseConfig({reasons: ['coffee'], agent: {groups: ['7', '8']}});
		expect(result.ok && result.config.reasons).toEqual(['coffee']);
		expect(result.ok && result.config.agent).toEqual({
			user: '101',
			agentId: '1',
			empId: '001',
			extension: '101',
			groups: ['7', '8'],
		});
	});

	it('accepts a full, valid custom config', () => {
		const result = parseConfig({
			agents: [
				{
					user: 'alice',
					password: demoPasswordHash,
					agentId: '7',
					empId: 'E7',
					groups: ['sales', 'support'],
				},
				{user: 'bob', password: demoPasswordHash, agentId: '8', empId: 'E8', groups: ['support']},
			],
			pbx: {driver: 'asterisk', asterisk: {interface: 'SIP/1001', events: 'on', pingSeconds: 0}},
			server: {allowedOrigins: ['https://crm.example.com', 'http://localhost:8080']},
			pops: {browserCommand: 'chromium --app={url} --window-size=800,600', loginParams: 'legacy'},
			links: [{name: 'CRM', url: 'https://crm.example.com/'}],
			keys: {ready: 'R', 'not-ready': 'ctrl+n', help: 'f1', dial: 'ä'},
			language: 'zh-CN',
			wrapUpSeconds: 0,
			admin: {passwordHash: demoPasswordHash},
			log: {level: 'debug'},
		});
		expect(result.ok).toBe(true);
	});
});

describe('bad values', () => {
	it.each<[string, unknown, string]>([
		[
			'port too big',
			{server: {port: 99_999}},
			'config.json: server.port = 99999 — must be an integer from 1 to 65535',
		],
		[
			'port not a number',
			{server: {port: '180'}},
			'config.json: server.port = "180" — must be an integer from 1 to 65535',
		],
		[
			'port fractional',
			{pbx: {asterisk: {port: 50.5}}},
			'config.json: pbx.asterisk.port = 50.5 — must be an integer from 1 to 65535',
		],
		[
			'queue neither a name nor {name, groupId}',
			{pbx: {asterisk: {queues: [{name: 'support'}]}}},
			'config.json: pbx.asterisk.queues[0] = {"name":"support"} — must be a queue name like "support" or {"name": "support", "groupId": "1"}',
		],
		[
			'onTerminalLost unknown',
			{onTerminalLost: 'hangup'},
			'config.json: onTerminalLost = "hangup" — must be one of "pause", "logout"',
		],
		[
			'driver unknown',
			{pbx: {driver: 'freeswitch'}},
			'config.json: pbx.driver = "freeswitch" — must be one of "sim", "asterisk"',
		],
		[
			'pop mode',
			{pops: {ring: {mode: 'popup'}}},
			'config.json: pops.ring.mode = "popup" — must be one of "browser", "hidden", "off"',
		],
		[
			'pop url relative',
			{pops: {answer: {url: '/crm/answer'}}},
			'config.json: pops.answer.url = "/crm/answer" — must be "" (none) or an absolute http:// or https:// URL',
		],
		[
			'pop url scheme',
			{pops: {home: {url: 'javascript:alert(1)'}}},
			'config.json: pops.home.url = "javascript:alert(1)" — must be "" (none) or an absolute http:// or https:// URL',
		],
		[
			'link url empty',
			{links: [{name: 'CRM', url: ''}]},
			'config.json: links[0].url = "" — must be an absolute http:// or https:// URL',
		],
		[
			'link url missing',
			{links: [{name: 'CRM'}]},
			'config.json: links[0].url = (missing) — must be an absolute http:// or https:// URL',
		],
		[
			'origin with path',
			{server: {allowedOrigins: ['https://crm.example.com/app']}},
			'config.json: server.allowedOrigins[0] = "https://crm.example.com/app" — must be an origin',
		],
		[
			'origin with slash',
			{server: {allowedOrigins: ['https://crm.example.com/']}},
			'config.json: server.allowedOrigins[0] = "https://crm.example.com/" — must be an origin',
		],
		[
			'wrap-up negative',
			{wrapUpSeconds: -1},
			'config.json: wrapUpSeconds = -1 — must be an integer from 0 to 3600',
		],
		['language', {language: 'fr'}, 'config.json: language = "fr" — must be one of "en", "zh-CN"'],
		[
			'empty id',
			{agent: {agentId: ''}},
			'config.json: agent.agentId = "" — must be text of 1 to 64 characters, without control characters',
		],
		[
			'control char in id',
			{agent: {user: '10\n1'}},
			'config.json: agent.user = "10\\n1" — must be text of 1 to 64 characters, without control characters',
		],
		[
			'number as id',
			{agent: {empId: 1}},
			'config.json: agent.empId = 1 — must be text of 1 to 64 characters',
		],
		[
			'empty groups',
			{agent: {groups: []}},
			'config.json: agent.groups = [] — must be a non-empty list of group ids (strings)',
		],
		[
			'empty reasons',
			{reasons: []},
			'config.json: reasons = [] — must be a non-empty list of reasons',
		],
		[
			'repeated reason',
			{reasons: ['break', 'lunch', 'break']},
			'config.json: reasons[2] = "break" — must not repeat an earlier entry',
		],
		[
			'boolean as string',
			{server: {sameUserOnly: 'yes'}},
			'config.json: server.sameUserOnly = "yes" — must be true or false',
		],
		['section not an object', {server: 180}, 'config.json: server = 180 — must be a JSON object'],
		['top level not an object', [], 'config.json: (top level) = [] — must be a JSON object'],
		[
			'plain password in agents',
			{agents: [{user: '101', password: '101', agentId: '1', empId: '001', groups: ['1']}]},
			'config.json: agents[0].password = (hidden) — must be a scrypt password hash',
		],
		[
			'duplicate agent',
			{
				agents: [
					{user: '101', password: demoPasswordHash, agentId: '1', empId: '001', groups: ['1']},
					{user: '101', password: demoPasswordHash, agentId: '2', empId: '002', groups: ['1']},
				],
			},
			'config.json: agents[1].user = "101" — must be unique',
		],
		[
			'admin plain password',
			{admin: {passwordHash: 'hunter2'}},
			'config.json: admin.passwordHash = (hidden) — must be a scrypt password hash',
		],
		[
			'secret not text',
			{pbx: {asterisk: {secret: 12_345}}},
			'config.json: pbx.asterisk.secret = (hidden) — must be text',
		],
		[
			'interface',
			{pbx: {asterisk: {interface: '1001'}}},
			'config.json: pbx.asterisk.interface = "1001" — must be a channel like "PJSIP/1001"',
		],
		[
			'events',
			{pbx: {asterisk: {events: 'call;agent'}}},
			'config.json: pbx.asterisk.events = "call;agent" — must be "on", "off" or a comma-separated list',
		],
		[
			'browser command without {url}',
			{pops: {browserCommand: 'firefox'}},
			'config.json: pops.browserCommand = "firefox" — must be "" (default browser) or a command containing {url}',
		],
		[
			'key too long',
			{keys: {ready: 'rr'}},
			'config.json: keys.ready = "rr" — must be one printable character',
		],
		[
			'key name',
			{keys: {ready: 'hyper+r'}},
			'config.json: keys.ready = "hyper+r" — must be one printable character',
		],
		['command name', {keys: {Ready: 'r'}}, 'config.json: keys.Ready'],
		[
			'arrivals negative',
			{pbx: {sim: {arrivalsPerMinute: -0.5}}},
			'config.json: pbx.sim.arrivalsPerMinute = -0.5 — must be a number from 0 to 600',
		],
		[
			'log level',
			{log: {level: 'verbose'}},
			'config.json: log.level = "verbose" — must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent"',
		],
	])('names the key, the value and what is allowed: %s', (_name, input, expected) => {
		const message = messageFor(input);
		expect(message).toContain(expected);
	});

	it('reports one line per problem, each bad value once', () => {
		const message = messageFor({server: {port: 0.5}, wrapUpSeconds: 5000, language: 'de'});
		expect(message.split('\n')).toEqual([
			'config.json: server.port = 0.5 — must be an integer from 1 to 65535',
			'config.json: wrapUpSeconds = 5000 — must be an integer from 0 to 3600',
			'config.json: language = "de" — must be one of "en", "zh-CN"',
		]);
	});

	it('never prints a secret it refuses', () => {
		const message = messageFor({
			pbx: {asterisk: {secret: 'line1\nline2'}},
			agents: [{user: 'a', password: 'plain-pw', agentId: '1', empId: '1', groups: ['1']}],
		});
		expect(message).not.toContain('line1');
		expect(message).not.toContain('plain-pw');
		expect(message).toContain('pbx.asterisk.secret = (hidden)');
	});

	it('shortens a long value', () => {
		const message = messageFor({pops: {home: {url: `ftp://${'x'.repeat(200)}`}}});
		expect(message).toMatch(/pops\.home\.url = "ftp:\/\/x+… — must be/);
		expect(message.length).toBeLessThan(200);
	});
});

describe('unknown keys', () => {
	it('refuses a typo and suggests the right key', () => {
		expect(messageFor({wrapupSeconds: 10})).toBe(
			'config.json: wrapupSeconds — unknown key; did you mean "wrapUpSeconds"?',
		);
	});

	it('refuses unknown keys at depth, naming each one', () => {
		const message = messageFor({
			pbx: {asterisk: {hots: 'x', colour: 'red'}},
			agents: [
				{user: 'a', password: demoPasswordHash, agentId: '1', empId: '1', groups: ['1'], pin: 1},
			],
		});
		expect(message).toContain('config.json: pbx.asterisk.hots — unknown key; did you mean "host"?');
		expect(message).toContain(
			'config.json: pbx.asterisk.colour — unknown key; allowed here: host, port, username, secret, interface, queues, outboundContext, transferContext, callerId, events, pingSeconds',
		);
		expect(message).toContain(
			'config.json: agents[0].pin — unknown key; allowed here: user, password, agentId, empId, groups',
		);
	});

	it('refuses keys in links and pop sections too', () => {
		expect(
			messageFor({links: [{name: 'a', url: 'https://a.example', target: '_blank'}]}),
		).toContain('links[0].target — unknown key');
		expect(messageFor({pops: {ring: {url: '', mode: 'off', width: 800}}})).toContain(
			'pops.ring.width — unknown key',
		);
	});
});

describe('formatConfigError', () => {
	it('works without a file name and without reported values', () => {
		const result = configSchema.safeParse({server: {port: 0}});
		expect(result.success).toBe(false);
		if (result.success) return;
		expect(formatConfigError(result.error)).toBe(
			'server.port — must be an integer from 1 to 65535',
		);
	});
});

describe('the screen keys: ring and labels', () => {
	it('rings with bell, notification and title by default; each can be turned off', () => {
		expect(defaultConfig().ring).toEqual({bell: true, notify: true, title: true});
		const result = validateConfig({ring: {notify: false}});
		expect(result.ok && result.config.ring).toEqual({bell: true, notify: false, title: true});
	});

	it('takes labels per language for reason and code ids, and names a bad one', () => {
		const good = validateConfig({labels: {'zh-CN': {lunch: '午饭'}}});
		expect(good.ok && good.config.labels).toEqual({'zh-CN': {lunch: '午饭'}});
		const bad = validateConfig({labels: {'zh-CN': {lunch: ''}}});
		expect(bad.ok).toBe(false);
		expect(!bad.ok && bad.message).toContain('labels.zh-CN.lunch = ""');
		expect(validateConfig({labels: {fr: {}}}).ok).toBe(false);
	});
});

describe('the browser section and pop windows (issue 15)', () => {
	it('takes the three modes and the opener settings', () => {
		const result = validateConfig({browser: {mode: 'remote', remote: {port: 3000, token: 'a-B_9abcdefghijklmnop'}}});
		expect(result.ok && result.config.browser).toEqual({
			mode: 'remote',
			executable: '',
			headless: false,
			loginUrl: '',
			remote: {port: 3000, token: 'a-B_9abcdefghijklmnop'},
		});
	});

	it.each([
		[{browser: {mode: 'chrome'}}, 'config.json: browser.mode = "chrome" — must be one of "managed", "system", "remote"'],
		[{browser: {remote: {port: 0}}}, 'config.json: browser.remote.port = 0 — must be an integer from 1 to 65535'],
		[{browser: {remote: {token: 'has space'}}}, 'config.json: browser.remote.token = "has space" — must be "" or the token ctidesk opener printed (letters, digits, - and _)'],
		[{browser: {loginUrl: 'file:///etc'}}, 'config.json: browser.loginUrl = "file:///etc" — must be "" (none) or an absolute http:// or https:// URL'],
		[{browser: {headless: 'yes'}}, 'config.json: browser.headless = "yes" — must be true or false'],
	])('refuses %j with a message naming the key', (input, message) => {
		expect(messageFor(input)).toBe(message);
	});

	it('reads a pop window as an object or as "WIDTHxHEIGHT+X+Y" (the settings screen), and "" as none', () => {
		const parse = (window: unknown) => {
			const result = validateConfig({pops: {answer: {url: 'https://crm.example/a', mode: 'browser', window}}});
			if (!result.ok) throw new Error(result.message);
			return result.config.pops.answer.window;
		};
		expect(parse({width: 900, height: 700, x: 40, y: 40})).toEqual({width: 900, height: 700, x: 40, y: 40});
		expect(parse('900x700+40+40')).toEqual({width: 900, height: 700, x: 40, y: 40});
		expect(parse(' 1024 x 768 ')).toEqual({width: 1024, height: 768});
		expect(parse('800x600-10+0')).toEqual({width: 800, height: 600, x: -10, y: 0});
		expect(parse('')).toBeUndefined();
		expect(parse(undefined)).toBeUndefined();
	});

	it('names the bad field of a pop window object', () => {
		expect(messageFor({pops: {answer: {window: {width: 50, height: 700}}}})).toBe(
			'config.json: pops.answer.window.width = 50 — must be an integer from 200 to 10000',
		);
		expect(messageFor({pops: {answer: {window: {width: 900, height: 700, depth: 1}}}})).toContain(
			'pops.answer.window.depth — unknown key',
		);
	});

	it.each([['900'], ['axb'], ['50x700'], [{width: 900}], [7]])(
		'refuses the pop window %j, saying what is allowed',
		(window) => {
			expect(messageFor({pops: {answer: {window}}})).toContain(
				'pops.answer.window',
			);
			expect(messageFor({pops: {answer: {window}}})).toContain('"900x700+40+40"');
		},
	);

	it('round-trips a window through JSON (the saved file)', () => {
		const result = validateConfig({pops: {ring: {window: '900x700+40+40'}}});
		if (!result.ok) throw new Error(result.message);
		expect(configSchema.parse(JSON.parse(JSON.stringify(result.config)))).toEqual(result.config);
	});
});
