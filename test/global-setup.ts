// Some tests run the built CLI (dist/) as a user would, in a pseudo-terminal or as a child
// process: build it once, fresh, before any test runs.
import {execFileSync} from 'node:child_process';

export default function setup() {
	execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
		stdio: 'inherit',
	});
}
