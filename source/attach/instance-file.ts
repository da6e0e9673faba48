// Where a running instance says it is, so `ctidesk attach` (and plain `ctidesk`) can find it:
// <runtimeDir>/instance.json, written when the local API is up, removed on a clean stop.
import {readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {writeFileAtomicSync} from '../storage/atomic-write.js';

export interface InstanceInfo {
	pid: number;
	port: number;
	configFile: string;
	startedAt: number;
	version: string;
}

export function instanceFile(runtimeDir: string): string {
	return join(runtimeDir, 'instance.json');
}

export function writeInstanceFile(runtimeDir: string, info: InstanceInfo): void {
	writeFileAtomicSync(instanceFile(runtimeDir), JSON.stringify(info));
}

/** The recorded instance if its process is still alive; a stale file (crash, kill -9) reads as none. */
export function readInstanceFile(runtimeDir: string): InstanceInfo | null {
	let info: Partial<InstanceInfo>;
	try {
		info = JSON.parse(readFileSync(instanceFile(runtimeDir), 'utf8')) as Partial<InstanceInfo>;
	} catch {
		return null;
	}
	if (typeof info.pid !== 'number' || typeof info.port !== 'number') return null;
	return isAlive(info.pid) ? (info as InstanceInfo) : null;
}

export function removeInstanceFile(runtimeDir: string, pid = process.pid): void {
	const file = instanceFile(runtimeDir);
	try {
		const info = JSON.parse(readFileSync(file, 'utf8')) as Partial<InstanceInfo>;
		// Never remove the file of another instance that started after us.
		if (info.pid === pid) rmSync(file, {force: true});
	} catch {
		// Nothing to remove.
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: alive but another user's process.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
