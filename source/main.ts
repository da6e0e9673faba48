// The only file that reads argv, env and the TTY: flags → config → the TUI, headless, or a client
// of a running instance (attach, events, stop).
import {spawn} from 'node:child_process';
import {mkdirSync, openSync, readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import {dirname} from 'node:path';
import {createApp, type App as CtiApp} from './app.js';
import {readInstanceFile, type InstanceInfo} from './attach/instance-file.js';
import {resolvePaths, type Paths} from './config/paths.js';
import {hashPassword} from './config/password.js';
import {applyOverrides, loadConfig, setAdminPassword} from './config/store.js';
import type {Config} from './config/schema.js';
import {createLogger, flushLogs} from './logger.js';
import {createDesk} from './desk.js';
import {restoreTerminal, runTui} from './run-tui.js';
import {closestWord} from './core/edit-distance.js';

const help = `
  ctidesk — a CTI agent desktop for the terminal

  Usage
    $ ctidesk [options]            the TUI (attaches to a running instance of the same config)
    $ ctidesk --headless           run the session without a TUI (driver, local server, pops)
    $ ctidesk start                start a headless instance in the background
    $ ctidesk attach               the TUI as a client of the running instance
    $ ctidesk events --json [--since SEQ]   the running instance's events as NDJSON
    $ ctidesk stop [--logout]      stop the running instance
    $ ctidesk hash-password        print the scrypt hash of a password read from stdin
    $ ctidesk set-admin-password   set the settings screen's admin password (asked, or from stdin)
    $ ctidesk opener               on your own machine: open the pops of a desk over SSH (--help)

  Options
    --config PATH        use this config file (default: the user's config dir)
    --port N             local API port (default from config: 180)
    --pbx sim|asterisk   which PBX driver to use
    --headless           no TUI: log lines on stdout (automatic when stdin is not a terminal)
    --no-browser         never open a browser: show pops as links instead
    --help, --version

  Keys (remappable in the config's "keys")
    l login  x logout  n away  r ready  p answer  h hang up  o hold  d dial
    t transfer  i demo call (simulator)  s settings  ? help  q quit
    Ctrl+L redraw  Ctrl+D detach (attached TUI)  Ctrl+O re-open the last pop
    :  command line (:dial, :xfer, :away, :conf, :dtmf, :code, :help …)  Tab / Shift+Tab tabs
`;

// Node's own parser: strict (an unknown flag is an error), and quicker to load than a flag library.
const flagOptions = {
	help: {type: 'boolean', short: 'h', default: false},
	version: {type: 'boolean', short: 'v', default: false},
	config: {type: 'string'},
	port: {type: 'string'},
	pbx: {type: 'string'},
	headless: {type: 'boolean', default: false},
	'no-browser': {type: 'boolean', default: false},
	json: {type: 'boolean', default: false},
	since: {type: 'string'},
	logout: {type: 'boolean', default: false},
} as const;

function parseCommandLine() {
	try {
		const {values, positionals} = parseArgs({allowPositionals: true, options: flagOptions});
		return {input: positionals, flags: {...values, browser: !values['no-browser']}};
	} catch (error) {
		const message = flagError(error as Error & {code?: string});
		return fail(`${message}${message.endsWith('?') ? '' : ';'} see ctidesk --help`);
	}
}

const knownFlags = Object.keys(flagOptions);

/** Node's parseArgs text is long and raw: say which option, and the one probably meant. */
function flagError(error: Error & {code?: string}): string {
	const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(error.message)?.[1];
	if (error.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || !unknown) return error.message;
	const name = unknown.replace(/^-+/, '');
	const near = closestWord(name, knownFlags, Math.max(1, Math.floor(name.length / 3)));
	return near ? `unknown option ${unknown}; did you mean --${near}?` : `unknown option ${unknown}`;
}


function packageVersion(): string {
	try {
		const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
		return (JSON.parse(text) as {version?: string}).version ?? '0.0.0';
	} catch {
		return '0.0.0';
	}
}

function fail(message: string): never {
	process.stderr.write(`ctidesk: ${message}\n`);
	process.exit(2);
}

const cli = parseCommandLine();

/** The command-line flags applied to a config: never saved into the file, applied again after each save. */
function withFlags(saved: Config): Config {
	const overridden = applyOverrides(saved, {port: cli.flags.port, pbx: cli.flags.pbx});
	if (!overridden.ok) fail(overridden.message);
	return cli.flags.browser
		? overridden.config
		: {...overridden.config, pops: {...overridden.config.pops, noBrowser: true}};
}

function loadSettings(): {paths: Paths; config: Config; fileConfig: Config; created: boolean} {
	const paths = resolvePaths({configPath: cli.flags.config, env: process.env});
	const loaded = loadConfig(paths.configFile);
	if (!loaded.ok) fail(loaded.message);
	return {paths, config: withFlags(loaded.config), fileConfig: loaded.config, created: loaded.created};
}

function runningInstance(paths: Paths): InstanceInfo | null {
	return readInstanceFile(paths.runtimeDir);
}

function printAndExit(text: string): Promise<never> {
	return new Promise(() => {
		process.stdout.write(text + '\n', () => process.exit(0));
	});
}

async function main() {
	if (cli.flags.help) return printAndExit(help);
	if (cli.flags.version) return printAndExit(packageVersion());
	const [command] = cli.input;
	switch (command) {
		case undefined:
			return runDefault();
		case 'attach': {
			const {paths} = loadSettings();
			const instance = runningInstance(paths);
			if (!instance)
				fail(
					`no ctidesk instance is running for ${paths.configFile}; start one with: ctidesk start`,
				);
			return runAttached(instance);
		}
		case 'events': {
			const {paths} = loadSettings();
			const instance = runningInstance(paths);
			if (!instance) fail(`no ctidesk instance is running for ${paths.configFile}`);
			const since = cli.flags.since === undefined ? null : Number(cli.flags.since);
			if (since !== null && !(Number.isInteger(since) && since >= 0))
				fail('--since must be an event seq (a whole number)');
			const {printEvents} = await import('./attach/print-events.js');
			return printEvents({
				port: instance.port,
				since,
				json: cli.flags.json,
				write: (line) => process.stdout.write(line),
			});
		}
		case 'start':
			return startBackground();
		case 'stop': {
			const {paths} = loadSettings();
			const instance = runningInstance(paths);
			if (!instance) fail(`no ctidesk instance is running for ${paths.configFile}`);
			const {createApiClient} = await import('./attach/api-client.js');
			const result = await createApiClient(instance.port).post<{ok: boolean; message?: string}>(
				'/api/shutdown',
				{
					logout: cli.flags.logout,
				},
			);
			if (!result.ok) fail(result.message ?? 'the instance refused to stop');
			process.stdout.write(
				`ctidesk (pid ${instance.pid}) is stopping${cli.flags.logout ? ' and logging out' : ''}.\n`,
			);
			return;
		}
		case 'hash-password':
			return printPasswordHash();
		case 'set-admin-password':
			return setAdminPasswordCommand();
		default:
			fail(`unknown command "${command}"; see ctidesk --help`);
	}
}

async function runDefault() {
	const {paths, config, fileConfig, created} = loadSettings();
	const headless = cli.flags.headless || !process.stdin.isTTY || !process.stdout.isTTY;
	const instance = runningInstance(paths);
	if (instance) {
		if (headless)
			fail(
				`ctidesk is already running for ${paths.configFile} (pid ${instance.pid}, port ${instance.port})`,
			);
		return runAttached(instance);
	}
	const logger = createLogger({file: paths.logFile, level: config.log.level});
	const app = createApp({
		config,
		fileConfig,
		withFlags,
		paths,
		logger,
		version: packageVersion(),
		onActivity: headless ? (line) => process.stdout.write(line + '\n') : undefined,
		onShutdown: (logout) => void stopAndExit(app, logout),
	});
	if (created)
		app.activity.add(
			'info',
			'app',
			`Created ${paths.configFile} with the defaults (demo agent 101 / 101).`,
		);
	if (headless) {
		process.on('SIGINT', () => void stopAndExit(app, app.config.logoutOnExit));
		process.on('SIGTERM', () => void stopAndExit(app, app.config.logoutOnExit));
		// A closed terminal must not log the agent out (SPEC section 9).
		process.on('SIGHUP', () => undefined);
		await app.start();
		return;
	}
	await runTui(createDesk(app, paths.configFile), {
		start: () => app.start(),
		exit: (choice) =>
			choice === 'terminal-lost'
				? stopAndExit(app, false, true)
				: stopAndExit(app, choice === 'stop-logout'),
	});
}

let stopping = false;
async function stopAndExit(app: CtiApp, logout: boolean, terminalLost = false) {
	if (stopping) return;
	stopping = true;
	await app.stop({logout, terminalLost});
	if (terminalLost) {
		// End as a process whose terminal closed does: by SIGHUP. A normal exit makes Node restore
		// the terminal's settings, which aborts on a terminal that is gone (ResetStdio, EIO).
		flushLogs();
		process.removeAllListeners('SIGHUP');
		process.kill(process.pid, 'SIGHUP');
		return;
	}
	restoreTerminal();
	process.exit(0);
}

async function runAttached(instance: InstanceInfo) {
	const {connectRemoteDesk} = await import('./attach/remote-desk.js');
	let desk;
	try {
		desk = await connectRemoteDesk(instance.port);
	} catch (error) {
		fail(
			`cannot attach to ctidesk (pid ${instance.pid}, port ${instance.port}): ${(error as Error).message}`,
		);
	}
	const remote = desk;
	await runTui(remote, {
		start: async () => undefined,
		async exit(choice) {
			if (choice !== 'detach' && choice !== 'terminal-lost')
				await remote.stopInstance(choice === 'stop-logout');
			remote.close();
			restoreTerminal();
			process.exit(0);
		},
	});
}

async function startBackground() {
	const {paths} = loadSettings();
	const existing = runningInstance(paths);
	if (existing) {
		process.stdout.write(
			`ctidesk is already running (pid ${existing.pid}, port ${existing.port}).\n`,
		);
		return;
	}
	const args = process.argv.slice(1).filter((argument) => argument !== 'start');
	mkdirSync(dirname(paths.logFile), {recursive: true});
	const log = openSync(paths.logFile + '.stdout', 'a');
	const child = spawn(process.execPath, [...args, '--headless'], {
		detached: true,
		stdio: ['ignore', log, log],
	});
	child.unref();
	const deadline = Date.now() + 10_000;
	while (Date.now() < deadline) {
		const instance = runningInstance(paths);
		if (instance && instance.pid === child.pid) {
			process.stdout.write(
				`ctidesk started in the background (pid ${instance.pid}, port ${instance.port}); attach with: ctidesk attach\n`,
			);
			return;
		}
		if (child.exitCode !== null) break;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	fail(`the background instance did not come up; see ${paths.logFile}.stdout`);
}

async function printPasswordHash() {
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	const password = Buffer.concat(chunks)
		.toString('utf8')
		.replace(/\r?\n$/, '');
	if (!password)
		fail('give the password on stdin, e.g.: printf %s "secret" | ctidesk hash-password');
	process.stdout.write(hashPassword(password) + '\n');
}

/** Reads a line from the terminal without echoing it (a password). */
function askHidden(question: string): Promise<string> {
	return new Promise((resolve) => {
		process.stdout.write(question);
		process.stdin.setRawMode(true);
		process.stdin.resume();
		let answer = '';
		const onData = (chunk: Buffer) => {
			for (const char of chunk.toString('utf8')) {
				if (char === '\u0003') {
					process.stdin.setRawMode(false);
					process.stdout.write('\n');
					process.exit(130);
				} else if (char === '\r' || char === '\n') {
					process.stdin.off('data', onData);
					process.stdin.setRawMode(false);
					process.stdin.pause();
					process.stdout.write('\n');
					return resolve(answer);
				} else if (char === '\u007f' || char === '\b') {
					answer = answer.slice(0, -1);
				} else if (char >= ' ') {
					answer += char;
				}
			}
		};
		process.stdin.on('data', onData);
	});
}

/**
 * ctidesk set-admin-password: the installer sets the settings screen's password (asked twice on
 * a terminal, or read from stdin), so it is never set by whoever first presses `s` at the desk.
 */
async function setAdminPasswordCommand() {
	const paths = resolvePaths({configPath: cli.flags.config, env: process.env});
	let password: string;
	if (process.stdin.isTTY) {
		password = await askHidden('New admin password: ');
		if (password !== (await askHidden('Repeat it: '))) fail('the two passwords differ; nothing was changed');
	} else {
		const chunks: Buffer[] = [];
		for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
		password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
	}
	if (password.length < 4) fail('use at least 4 characters; nothing was changed');
	const result = setAdminPassword(paths.configFile, password);
	if (!result.ok) fail(result.message);
	process.stdout.write(`Admin password set in ${paths.configFile}.\n`);
}

main().catch((error: unknown) => {
	restoreTerminal();
	fail(error instanceof Error ? error.message : String(error));
});
