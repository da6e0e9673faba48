// Starts the real CLI (dist/cli.js) or the bare Ink baseline in a PTY, with the config and data
// in a fresh temp dir (never the user's), a free local API port, and the simulator quiet (no
// arrivals, no other agents), so nothing but the app itself runs.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {freePort, spawnInPty} from './pty.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const toolbarMarker = '[l]Login';

/**
 * `via: 'npm-start'` runs the README's start command (`npm start`), which compiles only when a
 * source file is newer than dist/ (scripts/build-if-stale.mjs), instead of node dist/cli.js.
 */
export async function spawnCtidesk({columns = 80, rows = 24, via = 'node'} = {}) {
	const dir = mkdtempSync(join(tmpdir(), 'ctidesk-bench-'));
	const configDir = join(dir, 'config');
	mkdirSync(configDir);
	const off = {url: '', mode: 'off'};
	writeFileSync(
		join(configDir, 'config.json'),
		JSON.stringify({
			pbx: {sim: {arrivalsPerMinute: 0, otherAgents: 0}},
			pops: {home: off, ring: off, answer: off, hangup: off},
		}),
	);
	const port = await freePort();
	const flags = ['--port', String(port), '--no-browser'];
	const argv =
		via === 'npm-start'
			? ['npm', 'start', '--silent', '--', ...flags]
			: [process.execPath, join(root, 'dist/cli.js'), ...flags];
	const pty = spawnInPty(argv, {
		cwd: root,
		env: {...process.env, CTIDESK_CONFIG_DIR: configDir, CTIDESK_DATA_DIR: join(dir, 'data')},
		columns,
		rows,
	});
	const stop = pty.stop;
	pty.stop = async (quitKeys = 'q') => {
		const result = await stop(quitKeys);
		rmSync(dir, {recursive: true, force: true});
		return result;
	};
	pty.port = port;
	return pty;
}

/** `via: 'npm'` starts it through `npm run bench:bare-ink`, the same way `npm start` starts the desk. */
export function spawnBare({tick = false, columns = 80, rows = 24, via = 'node'} = {}) {
	return spawnInPty(
		via === 'npm'
			? ['npm', 'run', '--silent', 'bench:bare-ink', ...(tick ? ['--', '--tick'] : [])]
			: [process.execPath, join(here, 'bare-ink-app.mjs'), ...(tick ? ['--tick'] : [])],
		{
			cwd: root,
			columns,
			rows,
		},
	);
}
