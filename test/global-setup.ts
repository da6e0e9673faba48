// Some tests run the built CLI (dist/) as a user would, in a pseudo-terminal or as a child
// process: build it once, fresh, before any test runs. Type errors do not stop the emit and are
// reported by `npm run typecheck`, which `npm test` runs first.
import {spawnSync} from 'node:child_process';

export default function setup() {
	const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
		encoding: 'utf8',
	});
	if (result.status !== 0) process.stderr.write(`global-setup: the build reported errors:\n${result.stdout}\n`);
}
