#!/usr/bin/env node
// `npm start` on a built clone must reach the first frame fast (issue 14 item 8): run the
// TypeScript compiler only when a source file is newer than the build, never otherwise.
//
//   node scripts/build-if-stale.mjs        (exit code of tsc when it ran, else 0)
import {spawnSync} from 'node:child_process';
import {readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newest(directory) {
	let latest = 0;
	for (const entry of readdirSync(directory, {recursive: true, withFileTypes: true})) {
		if (entry.isFile())
			latest = Math.max(latest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
	}
	return latest;
}

function builtAt() {
	try {
		return statSync(join(root, 'dist', 'cli.js')).mtimeMs;
	} catch {
		return 0;
	}
}

/** True when dist/ is missing or older than source/, tsconfig or package.json. */
export function isStale() {
	const built = builtAt();
	if (built === 0) return true;
	const inputs = [
		newest(join(root, 'source')),
		...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((file) => {
			try {
				return statSync(join(root, file)).mtimeMs;
			} catch {
				return 0;
			}
		}),
	];
	return Math.max(...inputs) > built;
}

export function buildIfStale() {
	if (!isStale()) return 0;
	process.stderr.write('ctidesk: sources changed since the last build; compiling…\n');
	const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
	return (
		spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {stdio: 'inherit'})
			.status ?? 1
	);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
	process.exit(buildIfStale());
