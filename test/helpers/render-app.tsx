// Renders an Ink tree into a fake terminal of a given size (ink-testing-library 4 has no rows
// and a fixed 100 columns: INK-PITFALLS 9d), with press() and waitForFrame() that wait on
// conditions, never on time (house rule 14).
import {EventEmitter} from 'node:events';
import {stripVTControlCharacters} from 'node:util';
import {render as inkRender, type Instance} from 'ink';
import type {ReactElement} from 'react';
import {act} from 'react';

class FakeStdout extends EventEmitter {
	isTTY = true;
	frames: string[] = [];
	/** Everything written that is not a frame: the ring's bell, notifications and title. */
	sequences: string[] = [];
	constructor(
		public columns: number,
		public rows: number,
	) {
		super();
	}

	write = (frame: string) => {
		// The ring writes a bell, OSC notifications and title sequences between frames.
		const alerts = ['\u0007', '\u001B]', '\u001B[22;0t', '\u001B[23;0t', '\u001Bk', '\u001BP'];
		if (alerts.some((start) => frame.startsWith(start))) {
			this.sequences.push(frame);
			return true;
		}
		// Ink also writes bare cursor show/hide sequences; only frames with content count.
		if (stripVTControlCharacters(frame).trim() !== '') this.frames.push(frame);
		return true;
	};

	lastFrame = () => this.frames[this.frames.length - 1] ?? '';
}

class FakeStdin extends EventEmitter {
	isTTY = true;
	private data: string | null = null;
	write = (data: string) => {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	};

	read = () => {
		const {data} = this;
		this.data = null;
		return data;
	};

	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
}

export const keys = {
	enter: '\r',
	escape: '\u001B',
	tab: '\t',
	shiftTab: '\u001B[Z',
	up: '\u001B[A',
	down: '\u001B[B',
	backspace: '\u007F',
	ctrlC: '\u0003',
	ctrlL: '\u000C',
} as const;

/** Lets React and Ink flush: setImmediate → setTimeout(0) (INK-PITFALLS 9b). */
export async function flush() {
	await act(async () => {
		await new Promise((resolve) => setImmediate(resolve));
		await new Promise((resolve) => setTimeout(resolve, 0));
	});
}

export interface RenderedApp {
	stdout: FakeStdout;
	instance: Instance;
	lastFrame(): string;
	press(...inputs: string[]): Promise<void>;
	type(text: string): Promise<void>;
	waitForFrame(
		predicate: string | RegExp | ((frame: string) => boolean),
		timeoutMs?: number,
	): Promise<string>;
	resize(columns: number, rows: number): Promise<void>;
	unmount(): void;
}

export async function renderApp(
	tree: ReactElement,
	{columns = 80, rows = 24} = {},
): Promise<RenderedApp> {
	const stdout = new FakeStdout(columns, rows);
	const stdin = new FakeStdin();
	const stderr = new FakeStdout(columns, rows);
	let instance!: Instance;
	await act(async () => {
		instance = inkRender(tree, {
			stdout: stdout as unknown as NodeJS.WriteStream,
			stderr: stderr as unknown as NodeJS.WriteStream,
			stdin: stdin as unknown as NodeJS.ReadStream,
			debug: true,
			exitOnCtrlC: false,
			patchConsole: false,
		});
	});
	await flush();

	const matches = (frame: string, predicate: string | RegExp | ((frame: string) => boolean)) =>
		typeof predicate === 'string'
			? frame.includes(predicate)
			: predicate instanceof RegExp
				? predicate.test(frame)
				: predicate(frame);

	return {
		stdout,
		instance,
		lastFrame: stdout.lastFrame,
		async press(...inputs) {
			for (const input of inputs) {
				await act(async () => {
					stdin.write(input);
				});
				await flush();
			}
		},
		async type(text) {
			for (const character of text) {
				await act(async () => {
					stdin.write(character);
				});
				await flush();
			}
		},
		async waitForFrame(predicate, timeoutMs = 5000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const frame = stdout.lastFrame();
				if (matches(frame, predicate)) return frame;
				if (Date.now() > deadline)
					throw new Error(`Timed out waiting for ${String(predicate)}; last frame:\n${frame}`);
				await flush();
			}
		},
		async resize(newColumns, newRows) {
			stdout.columns = newColumns;
			stdout.rows = newRows;
			await act(async () => {
				stdout.emit('resize');
			});
			await flush();
		},
		unmount() {
			// Inside act: unmounting runs the components' cleanups, which may set state.
			act(() => {
				instance.unmount();
			});
			instance.cleanup();
		},
	};
}
