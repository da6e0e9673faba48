// A fake terminal for Ink (as in test/helpers/render-app.tsx): a stdout of a given size that
// records every frame and the moment it was written, and a stdin the bench can type into.
import {EventEmitter} from 'node:events';
import {performance} from 'node:perf_hooks';
import {stripVTControlCharacters} from 'node:util';

export class FakeStdout extends EventEmitter {
	isTTY = true;
	frames = 0;
	lastFrame = '';
	lastWriteAt = 0;
	/** process.cpuUsage() when the last frame was written. */
	lastWriteCpu = null;
	constructor(columns = 80, rows = 24) {
		super();
		this.columns = columns;
		this.rows = rows;
	}

	write = (frame) => {
		// Ink also writes bare cursor show/hide sequences; only frames with content count.
		if (stripVTControlCharacters(frame).trim() !== '') {
			this.frames += 1;
			this.lastFrame = frame;
			this.lastWriteAt = performance.now();
			this.lastWriteCpu = process.cpuUsage();
		}
		return true;
	};
}

export class FakeStdin extends EventEmitter {
	isTTY = true;
	data = null;
	write = (data) => {
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

/** Lets React and Ink flush pending work (setImmediate, then a zero timeout). */
export async function settle() {
	await new Promise((resolve) => setImmediate(resolve));
	await new Promise((resolve) => setTimeout(resolve, 0));
}
