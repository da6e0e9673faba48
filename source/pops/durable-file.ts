// Crash-safe file writes shared by the outbox and the cookie jar: what was acknowledged as
// written survives kill -9 and power loss (fsync), and a rewrite is all-or-nothing (rename).
import {mkdir, open, rename} from 'node:fs/promises';
import {dirname} from 'node:path';

/** Writes a file so that a crash leaves either the old or the new content: temp file, fsync, rename, fsync dir. */
export async function writeAtomic(file: string, content: string): Promise<void> {
	await mkdir(dirname(file), {recursive: true});
	const temporary = `${file}.${process.pid}.tmp`;
	const handle = await open(temporary, 'w', 0o600);
	try {
		await handle.writeFile(content);
		await handle.sync();
	} finally {
		await handle.close();
	}
	await rename(temporary, file);
	await syncDirectory(dirname(file));
}

/** fsync a directory so a rename or a new file survives power loss (not supported on Windows: skipped). */
export async function syncDirectory(directory: string): Promise<void> {
	if (process.platform === 'win32') return;
	const handle = await open(directory, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}
