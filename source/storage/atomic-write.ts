// The one way ctidesk replaces a file (config, instance file, outbox, cookie jar): a crash or a
// power loss leaves either the old content or the new, never half of it. A temp file in the same
// folder (created exclusively, mode 0600: these files hold secrets), written and fsync'd, renamed
// over the target, then the folder fsync'd so the rename itself survives. On any failure the
// target is untouched and the temp file is removed. (write-file-atomic does the same, but its
// current major needs Node 22.)
import {randomBytes} from 'node:crypto';
import * as fs from 'node:fs';
import {mkdir, open, rename, rm} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';

export interface AtomicWriteOptions {
	/** Called between writing the temp file and renaming it; tests use it to simulate a crash. */
	beforeRename?: (tempFile: string) => void;
}

function temporaryName(file: string): string {
	return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Replaces `file` with `content` atomically and durably; throws (target untouched) on failure. */
export function writeFileAtomicSync(file: string, content: string, options: AtomicWriteOptions = {}): void {
	const directory = dirname(file);
	const temporary = temporaryName(file);
	let fd: number | undefined;
	try {
		fs.mkdirSync(directory, {recursive: true, mode: 0o700});
		// 'wx': never follow or reuse something already at the temp name.
		fd = fs.openSync(temporary, 'wx', 0o600);
		// The umask cannot add bits, but be explicit in case the umask is unusual.
		fs.fchmodSync(fd, 0o600);
		fs.writeFileSync(fd, content);
		fs.fsyncSync(fd);
		fs.closeSync(fd);
		fd = undefined;
		options.beforeRename?.(temporary);
		fs.renameSync(temporary, file);
	} catch (error) {
		if (fd !== undefined) closeQuietly(fd);
		fs.rmSync(temporary, {force: true});
		throw error;
	}
	syncDirectorySync(directory);
}

/** The same, without blocking the event loop (the outbox, the cookie jar). */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
	const directory = dirname(file);
	await mkdir(directory, {recursive: true, mode: 0o700});
	const temporary = temporaryName(file);
	try {
		const handle = await open(temporary, 'wx', 0o600);
		try {
			await handle.writeFile(content);
			await handle.sync();
		} finally {
			await handle.close();
		}
		await rename(temporary, file);
	} catch (error) {
		await rm(temporary, {force: true});
		throw error;
	}
	await syncDirectory(directory);
}

/**
 * fsync a folder so a rename or a new file in it survives power loss. Some platforms (Windows)
 * cannot open a folder: the rename is then as durable as that platform allows.
 */
export async function syncDirectory(directory: string): Promise<void> {
	if (process.platform === 'win32') return;
	const handle = await open(directory, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}

function syncDirectorySync(directory: string): void {
	let fd: number | undefined;
	try {
		fd = fs.openSync(directory, 'r');
		fs.fsyncSync(fd);
	} catch {
		// See syncDirectory.
	} finally {
		if (fd !== undefined) closeQuietly(fd);
	}
}

function closeQuietly(fd: number): void {
	try {
		fs.closeSync(fd);
	} catch {
		// Already closed or never valid: nothing left to release.
	}
}
