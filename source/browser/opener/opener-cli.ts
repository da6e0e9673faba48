// `ctidesk opener`: runs on the agent's own machine and opens the pops a desk on a server sends
// through `ssh -R 2226:127.0.0.1:2226 server` (browser.mode "remote"). Prints the token the
// desk's config needs; the token is kept in the opener's data dir.
import path from 'node:path';
import {parseArgs} from 'node:util';
import {resolvePaths} from '../../config/paths.js';
import {createLauncher} from '../../pops/launcher.js';
import {findChromiumFamily} from '../find-browser.js';
import {createManagedBrowser} from '../managed-browser.js';
import {loadOrCreateToken} from './opener-token.js';
import {startOpenerServer, type OpenerOpen} from './opener-server.js';

const help = `
  ctidesk opener — open the pops of a ctidesk on a server in this machine's browser

  Usage
    $ ctidesk opener [--port 2226] [--browser managed|system] [--executable PATH] [--headless] [--new-token]

  Then connect to the server with the port forwarded back to this machine:
    $ ssh -R 2226:127.0.0.1:2226 server
  and set, in the server's ctidesk config:
    "browser": {"mode": "remote", "remote": {"port": 2226, "token": "<the token the opener prints>"}}
`;

function fail(message: string): never {
	process.stderr.write(`ctidesk opener: ${message}\n`);
	process.exit(2);
}

function parse() {
	try {
		return parseArgs({
			args: process.argv.slice(3),
			options: {
				port: {type: 'string', default: '2226'},
				browser: {type: 'string'},
				executable: {type: 'string', default: ''},
				headless: {type: 'boolean', default: false},
				'new-token': {type: 'boolean', default: false},
				help: {type: 'boolean', short: 'h', default: false},
			},
		}).values;
	} catch (error) {
		return fail(`${(error as Error).message}; see ctidesk opener --help`);
	}
}

function log(line: string) {
	process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

async function main() {
	const flags = parse();
	if (flags.help) {
		process.stdout.write(help);
		return;
	}
	const port = Number(flags.port);
	if (!Number.isInteger(port) || port < 1 || port > 65_535) fail('--port must be a port number (1-65535)');
	const paths = resolvePaths({env: process.env});
	const openerDir = path.join(paths.dataDir, 'opener');
	const {token} = loadOrCreateToken(path.join(openerDir, 'token'), {renew: flags['new-token']});
	const chromium = findChromiumFamily({executable: flags.executable});
	const mode = flags.browser ?? (chromium ? 'managed' : 'system');
	if (mode !== 'managed' && mode !== 'system') fail('--browser must be "managed" or "system"');
	if (mode === 'managed' && !chromium) fail('--browser managed needs Chromium, Chrome or Edge (or --executable PATH)');

	let open: OpenerOpen;
	let close: () => Promise<void> = async () => undefined;
	if (mode === 'managed') {
		const browser = createManagedBrowser({
			profileDir: path.join(openerDir, 'browser-profile'),
			settings: () => ({executable: chromium!, headless: flags.headless}),
			activity: {add: (_level, _source, text) => log(text)},
		});
		open = async (url, window) => {
			try {
				await browser.openTarget(url, window);
				return {ok: true};
			} catch (error) {
				return {ok: false, detail: (error as Error).message.split('\n')[0]!};
			}
		};
		close = () => browser.close();
	} else {
		let failure: string | null = null;
		const launcher = createLauncher({
			browserCommand: flags.executable,
			noBrowser: false,
			clipboard: false,
			outbox: {enqueue: () => Promise.reject(new Error('the opener has no hidden pops'))},
			onFallback: (fallback) => {
				failure = fallback.detail ?? fallback.reason;
				log(`could not open a browser: ${failure}`);
			},
		});
		open = async (url) => {
			failure = null;
			const result = await launcher.launch({id: 0, kind: 'ring', url, mode: 'browser', callId: null});
			return result.outcome === 'opened' ? {ok: true} : {ok: false, detail: failure ?? result.detail ?? result.outcome};
		};
	}

	let server;
	try {
		server = await startOpenerServer({port, token, open, onLog: log});
	} catch (error) {
		fail(`cannot listen on 127.0.0.1:${port}: ${(error as Error).message}`);
	}
	process.stdout.write(
		[
			`ctidesk opener: listening on 127.0.0.1:${server.port}, opening pops in the ${mode === 'managed' ? `managed browser (${chromium})` : 'system browser'}`,
			`token: ${token}`,
			`On the server: ssh -R ${server.port}:127.0.0.1:${server.port} <server>, and in ctidesk's config:`,
			`  "browser": {"mode": "remote", "remote": {"port": ${server.port}, "token": "${token}"}}`,
			'',
		].join('\n'),
	);
	const stop = () => {
		void server.close().then(close).then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

await main();
