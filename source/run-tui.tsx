// The full-screen TUI in this process (an in-process desk or an attached one). Ink 6 has no
// alternate-screen option (INK-PITFALLS 2): enter it ourselves, and leave it on every way out so
// the user's terminal comes back as it was.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import ansiEscapes from 'ansi-escapes';
import {render} from 'ink';
import {App, type ExitChoice} from './ui/App.js';
import type {Desk} from './ui/desk.js';
import {withoutColours} from './ui/no-colour.js';

/** How the process ends: a choice in the TUI, or the terminal going away (SIGHUP). */
export type ProcessExit = ExitChoice | 'terminal-lost';

let inAlternateScreen = false;
/** SIGHUP: the terminal is gone, there is nothing left to restore. */
let terminalGone = false;
export function restoreTerminal() {
	if (!inAlternateScreen || terminalGone) return;
	inAlternateScreen = false;
	process.stdout.write(ansiEscapes.exitAlternativeScreen + ansiEscapes.cursorShow);
}

export async function runTui(
	desk: Desk,
	control: {start(): Promise<void>; exit(choice: ProcessExit): Promise<void>},
) {
	process.stdout.write(ansiEscapes.enterAlternativeScreen + ansiEscapes.clearScreen);
	inAlternateScreen = true;
	process.on('exit', restoreTerminal);
	process.on('uncaughtException', (error) => {
		restoreTerminal();
		process.stderr.write(`ctidesk crashed: ${error.stack ?? error.message}\n`);
		process.exit(1);
	});
	const exit = (choice: ProcessExit) => {
		instance.unmount();
		void control.exit(choice);
	};
	process.on('SIGTERM', () => exit(desk.mode === 'attached' ? 'detach' : 'stop-logout'));
	// The terminal went away (closed window, dropped SSH). Attached: the instance goes on. In
	// process: nobody is at the desk any more, so the PBX must stop offering calls to it (paused
	// "desk closed", or logged out: onTerminalLost), while a call that is up stays up.
	process.on('SIGHUP', () => {
		// Nobody reads the terminal any more: writing to it fails with EIO, which must not crash
		// the way out (the PBX still has to hear that the desk is closed).
		terminalGone = true;
		process.stdout.on('error', () => undefined);
		process.stdin.on('error', () => undefined);
		exit(desk.mode === 'attached' ? 'detach' : 'terminal-lost');
	});

	// Ctrl+E in the note prompt: hand the terminal to $VISUAL/$EDITOR, then take it back.
	desk.editText = async (initial) => {
		const editor = process.env['VISUAL'] || process.env['EDITOR'];
		if (!editor) return null;
		const file = join(mkdtempSync(join(tmpdir(), 'ctidesk-note-')), 'note.txt');
		writeFileSync(file, initial);
		process.stdout.write(ansiEscapes.exitAlternativeScreen + ansiEscapes.cursorShow);
		process.stdin.setRawMode?.(false);
		// Synchronous on purpose: nothing else may read the terminal while the editor owns it.
		const result = spawnSync('sh', ['-c', `${editor} "$1"`, 'editor', file], {stdio: 'inherit'});
		process.stdin.setRawMode?.(true);
		process.stdout.write(ansiEscapes.enterAlternativeScreen + ansiEscapes.clearScreen);
		instance.clear();
		try {
			return result.status === 0 ? readFileSync(file, 'utf8') : null;
		} finally {
			rmSync(dirname(file), {recursive: true, force: true});
		}
	};

	// NO_COLOR (no-color.org): the banner draws in reverse video instead of colours.
	const terminal = {colour: !process.env['NO_COLOR'], tmux: Boolean(process.env['TMUX'])};
	const instance = render(<App desk={desk} onExit={exit} onRedraw={() => instance.clear()} terminal={terminal} />, {
		stdout: terminal.colour ? process.stdout : withoutColours(process.stdout),
		exitOnCtrlC: false,
		patchConsole: false,
	});
	await control.start();
	await instance.waitUntilExit();
}
