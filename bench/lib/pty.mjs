// Runs a command in a pseudo-terminal without node-pty: util-linux `script` owns the PTY,
// forwards our writes to it as keystrokes and its output to us. The PTY is sized with stty
// before the command is exec'd, so the command is a direct child of `script`.
import {spawn} from 'node:child_process';
import {readFileSync, readlinkSync, realpathSync} from 'node:fs';
import {createServer} from 'node:net';
import {performance} from 'node:perf_hooks';
import {stripVTControlCharacters} from 'node:util';

const clockTicks = 100; // USER_HZ on Linux

/** A port that was free a moment ago (listen on 0, read it, close). */
export function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address();
			server.close(() => resolve(port));
		});
	});
}

function quote(word) {
	return `'${String(word).replaceAll("'", "'\\''")}'`;
}

/** Process CPU time (all threads) in ms, from /proc/<pid>/stat utime + stime. */
export function cpuMs(pid) {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// Fields after the parenthesised command name; utime and stime are fields 14 and 15.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}

/** Resident set size of a process in bytes, from /proc/<pid>/status. */
export function rssBytes(pid) {
	const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return match ? Number(match[1]) * 1024 : NaN;
}

function childrenOf(pid) {
	try {
		return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
			.trim()
			.split(/\s+/)
			.filter(Boolean)
			.map(Number);
	} catch {
		return [];
	}
}

function executableOf(pid) {
	try {
		return readlinkSync(`/proc/${pid}/exe`);
	} catch {
		return '';
	}
}

/**
 * The descendant of `pid` running `executable` (the exec'd command), or null while there is
 * none yet. Matched by executable, not name: meow sets process.title to the bin name.
 */
function descendantRunning(pid, executable) {
	const pending = childrenOf(pid);
	while (pending.length > 0) {
		const candidate = pending.shift();
		if (executableOf(candidate) === executable) return candidate;
		pending.push(...childrenOf(candidate));
	}
	return null;
}

/**
 * Spawns `argv` in a PTY of `columns`×`rows`. `startedAt` is performance.now() just before
 * the spawn; `waitForText` resolves with the ms from then to the output chunk that made the
 * (ANSI-stripped) output contain the text.
 */
export function spawnInPty(argv, {env = process.env, cwd, columns = 80, rows = 24} = {}) {
	const inner = `stty cols ${columns} rows ${rows} && exec ${argv.map(quote).join(' ')}`;
	// Ink writes no frames at all when it thinks it runs in CI.
	const ciKeys = new Set(['CI', 'CONTINUOUS_INTEGRATION', 'BUILD_NUMBER', 'RUN_ID']);
	const cleanEnv = Object.fromEntries(Object.entries(env).filter(([key]) => !ciKeys.has(key)));
	cleanEnv.TERM = env.TERM && env.TERM !== 'dumb' ? env.TERM : 'xterm-256color';
	const startedAt = performance.now();
	const child = spawn('script', ['-qfec', inner, '/dev/null'], {
		env: cleanEnv,
		cwd,
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let raw = '';
	let text = '';
	let exited = false;
	const waiters = new Set();
	const onData = (chunk) => {
		const at = performance.now();
		raw += chunk.toString('utf8');
		text = stripVTControlCharacters(raw);
		for (const waiter of waiters) waiter(at);
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	const exit = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			exited = true;
			for (const waiter of waiters) waiter(null);
			resolve({code, signal});
		});
	});

	return {
		startedAt,
		child,
		output: () => text,
		rawOutput: () => raw,
		exit,
		/** Resolves with ms since spawn once the output from offset `from` holds a string or matches a RegExp, or `predicate(text)` holds (checked at each chunk). */
		waitFor(predicate, timeoutMs = 15_000, from = 0) {
			const test =
				typeof predicate === 'string'
					? (all) => all.includes(predicate, from)
					: predicate instanceof RegExp
						? (all) => predicate.test(all.slice(from))
						: predicate;
			if (test(text)) return Promise.resolve(performance.now() - startedAt);
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(
						new Error(
							`timed out after ${timeoutMs} ms waiting for ${String(predicate)}; output so far:\n${text.slice(-2000)}`,
						),
					);
				}, timeoutMs);
				const check = (at) => {
					if (at === null) {
						clearTimeout(timer);
						waiters.delete(check);
						reject(
							new Error(
								`the process exited while waiting for ${String(predicate)}; output:\n${text.slice(-2000)}`,
							),
						);
					} else if (test(text)) {
						clearTimeout(timer);
						waiters.delete(check);
						resolve(at - startedAt);
					}
				};
				waiters.add(check);
			});
		},
		/** Length of the stripped output so far: pass to waitFor(…, from) to wait for new text. */
		mark: () => text.length,
		/** The pid of the exec'd command under `script`, once it runs `executable` (default: node). */
		async commandPid(executable = realpathSync(process.execPath), timeoutMs = 10_000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const pid = descendantRunning(child.pid, executable);
				if (pid) return pid;
				if (exited || Date.now() > deadline)
					throw new Error(`no ${executable} process under script ${child.pid}`);
				await new Promise((resolve) => setTimeout(resolve, 2));
			}
		},
		write(keys) {
			child.stdin.write(keys);
		},
		/** Asks politely with `quitKeys`, then SIGTERMs the command and `script` (only our own pids). */
		async stop(quitKeys = 'q', graceMs = 3000) {
			if (exited) return exit;
			const pid = descendantRunning(child.pid, realpathSync(process.execPath));
			if (quitKeys) child.stdin.write(quitKeys);
			const timer = setTimeout(() => {
				if (pid) {
					try {
						process.kill(pid, 'SIGTERM');
					} catch {
						/* already gone */
					}
				}
				child.kill('SIGTERM');
			}, graceMs);
			const result = await exit;
			clearTimeout(timer);
			return result;
		},
	};
}
