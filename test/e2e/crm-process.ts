// Runs examples/crm/server.mjs as its own process, exactly as its README says, on a free port.
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';

const script = fileURLToPath(new URL('../../examples/crm/server.mjs', import.meta.url));

/** One request the CRM's pop endpoints recorded (GET /recorded). */
export interface CrmRecord {
	seq: number;
	at: number;
	kind: 'home' | 'ring' | 'answer' | 'hangup' | 'wrapup';
	path: string;
	/** Query parameters in arrival order. */
	params: Array<[string, string]>;
	/** True for a browser navigation (a browser-mode pop), false for a background request (hidden mode). */
	browser: boolean;
	userAgent: string | null;
	crmUser: string | null;
}

export interface CrmProcess {
	port: number;
	records(): Promise<CrmRecord[]>;
	stop(): Promise<void>;
}

export async function startCrm({ctidesk}: {ctidesk: string}): Promise<CrmProcess> {
	const child = spawn(
		process.execPath,
		[script, '--port', '0', '--host', '127.0.0.1', '--ctidesk', ctidesk],
		{
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	let stderr = '';
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const port = await new Promise<number>((resolve, reject) => {
		let stdout = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			stdout += chunk;
			const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
			if (match) resolve(Number(match[1]));
		});
		child.once('error', reject);
		child.once('exit', (code) =>
			reject(new Error(`the CRM exited (${code}) before listening: ${stderr}`)),
		);
	});
	return {
		port,
		async records() {
			const response = await fetch(`http://127.0.0.1:${port}/recorded`);
			return ((await response.json()) as {records: CrmRecord[]}).records;
		},
		stop() {
			return new Promise((resolve) => {
				if (child.exitCode !== null || child.signalCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			});
		},
	};
}
