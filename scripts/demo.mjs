#!/usr/bin/env node
// `npm run demo`: the example CRM and a desk whose home page, pops and links point at it, so
// the first minute shows the whole product (issue 14 item 8). The desk runs on the built-in
// simulator with a config and data dir of its own in a temporary directory: the user's own
// config is never read or written. Quit the desk (q) and the CRM stops too.
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {buildIfStale} from './build-if-stale.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const {port} = server.address();
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}

/** Starts the CRM on a free port; resolves with its port once it listens. */
function startCrm(deskPort) {
	const crm = spawn(
		process.execPath,
		[
			join(root, 'examples', 'crm', 'server.mjs'),
			'--port',
			'0',
			'--ctidesk',
			`http://localhost:${deskPort}`,
		],
		{stdio: ['ignore', 'pipe', 'inherit']},
	);
	return new Promise((resolve, reject) => {
		let output = '';
		crm.stdout.on('data', (chunk) => {
			output += chunk;
			const match = /listening on http:\/\/[^:]+:(\d+)\//.exec(output);
			if (match) resolve({crm, port: Number(match[1])});
		});
		crm.on('exit', (code) =>
			reject(new Error(`the example CRM stopped (exit ${code}): ${output}`)),
		);
	});
}

/** examples/crm/ctidesk.json with the ports of this run. */
function demoConfig(crmPort, deskPort) {
	const text = readFileSync(join(root, 'examples', 'crm', 'ctidesk.json'), 'utf8').replaceAll(
		'http://localhost:8080',
		`http://localhost:${crmPort}`,
	);
	const config = JSON.parse(text);
	config.server = {
		...config.server,
		port: deskPort,
		allowedOrigins: [`http://localhost:${crmPort}`],
	};
	return config;
}

if (buildIfStale() !== 0) process.exit(1);
const deskPort = await freePort();
const {crm, port: crmPort} = await startCrm(deskPort);
const dir = mkdtempSync(join(tmpdir(), 'ctidesk-demo-'));
const configFile = join(dir, 'config.json');
writeFileSync(configFile, JSON.stringify(demoConfig(crmPort, deskPort), null, 2));
process.stdout.write(
	`Example CRM on http://localhost:${crmPort}/ (sign in 101 / 101). Demo desk config: ${configFile}\n`,
);
const desk = spawn(process.execPath, [join(root, 'dist', 'cli.js'), '--config', configFile], {
	stdio: 'inherit',
	env: {...process.env, CTIDESK_DATA_DIR: join(dir, 'data')},
});
const stop = () => {
	crm.kill();
	rmSync(dir, {recursive: true, force: true});
};
// Ctrl+C in raw mode reaches the desk as a key; a signal to this script goes to both.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => desk.kill(signal));
desk.on('exit', (code) => {
	stop();
	process.exit(code ?? 0);
});
