#!/usr/bin/env node
// The only file that reads argv, env and the TTY: flags → config → the TUI, or headless.
import ansiEscapes from 'ansi-escapes';
import {render} from 'ink';
import meow from 'meow';
import {createApp, type App as CtiApp} from './app.js';
import {resolvePaths} from './config/paths.js';
import {applyOverrides, loadConfig} from './config/store.js';
import {createLogger} from './logger.js';
import {createDesk} from './desk.js';
import {App} from './ui/App.js';

const cli = meow(
	`
  Usage
    $ ctidesk [options]

  Options
    --config PATH    use this config file (default: the user's config dir)
    --port N         local API port (default from config: 180)
    --pbx sim|asterisk   which PBX driver to use
    --headless       no TUI: driver, local server and pops only, log lines on stdout
                     (automatic when stdin is not a terminal)
    --no-browser     never open a browser: show pops as links instead
    --help, --version

  Keys (remappable in the config's "keys")
    l login  x logout  n away  r ready  p answer  h hang up  o hold  d dial
    t transfer  i demo call (simulator)  s settings  ? help  q quit  Ctrl+L redraw
`,
	{
		importMeta: import.meta,
		flags: {
			config: {type: 'string'},
			port: {type: 'string'},
			pbx: {type: 'string'},
			headless: {type: 'boolean', default: false},
			browser: {type: 'boolean', default: true},
		},
	},
);

function fail(message: string): never {
	process.stderr.write(`ctidesk: ${message}\n`);
	process.exit(2);
}

async function main() {
	const paths = resolvePaths({configPath: cli.flags.config});
	const loaded = loadConfig(paths.configFile);
	if (!loaded.ok) fail(loaded.message);
	const overridden = applyOverrides(loaded.config, {port: cli.flags.port, pbx: cli.flags.pbx});
	if (!overridden.ok) fail(overridden.message);
	const config = cli.flags.browser
		? overridden.config
		: {...overridden.config, pops: {...overridden.config.pops, noBrowser: true}};

	const headless = cli.flags.headless || !process.stdin.isTTY || !process.stdout.isTTY;
	const logger = createLogger({file: paths.logFile, level: config.log.level});
	const app = createApp({
		config,
		paths,
		logger,
		onActivity: headless ? (line) => process.stdout.write(line + '\n') : undefined,
	});
	if (loaded.created)
		app.activity.add(
			'info',
			'app',
			`Created ${paths.configFile} with the defaults (demo agent 101 / 101).`,
		);

	if (headless) await runHeadless(app);
	else await runTui(app, paths.configFile);
}

async function runHeadless(app: CtiApp) {
	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		app.activity.add('info', 'app', `${signal}: stopping`);
		await app.stop({logout: app.config.logoutOnExit});
		process.exit(0);
	};
	process.on('SIGINT', () => void stop('SIGINT'));
	process.on('SIGTERM', () => void stop('SIGTERM'));
	await app.start();
}

async function runTui(app: CtiApp, configFile: string) {
	// Ink 6 has no alternate-screen option (INK-PITFALLS 2): enter it ourselves, and leave it on
	// every way out so the user's terminal comes back as it was.
	let restored = false;
	const restoreTerminal = () => {
		if (restored) return;
		restored = true;
		process.stdout.write(ansiEscapes.exitAlternativeScreen + ansiEscapes.cursorShow);
	};
	process.stdout.write(ansiEscapes.enterAlternativeScreen + ansiEscapes.clearScreen);
	process.on('exit', restoreTerminal);

	let quitting = false;
	const quit = async (logout: boolean) => {
		if (quitting) return;
		quitting = true;
		await app.stop({logout});
		instance.unmount();
		restoreTerminal();
		process.exit(0);
	};
	process.on('SIGTERM', () => void quit(app.config.logoutOnExit));
	process.on('SIGHUP', () => void quit(false));
	process.on('uncaughtException', (error) => {
		restoreTerminal();
		process.stderr.write(`ctidesk crashed: ${error.stack ?? error.message}\n`);
		process.exit(1);
	});

	const desk = createDesk(app, configFile);
	const instance = render(
		<App desk={desk} onQuit={(logout) => void quit(logout)} onRedraw={() => instance.clear()} />,
		{
			exitOnCtrlC: false,
			patchConsole: false,
			incrementalRendering: false,
		},
	);
	await app.start();
	await instance.waitUntilExit();
}

main().catch((error: unknown) => {
	process.stdout.write(ansiEscapes.exitAlternativeScreen);
	fail(error instanceof Error ? error.message : String(error));
});
