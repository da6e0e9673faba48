// The log file. Nothing but Ink may write to the terminal (house rule 12), so logs go to a file
// through pino; headless mode adds stdout. Secrets are redacted by key wherever they appear.
import {mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import pino from 'pino';

export type Logger = pino.Logger;

export const redactedKeys = ['pass', 'password', 'secret', 'sid', 'token'];

export function createLogger({file, level = 'info', stdout = false}: {file: string | null; level?: string; stdout?: boolean}): Logger {
	const streams: pino.StreamEntry[] = [];
	if (file) {
		mkdirSync(dirname(file), {recursive: true});
		streams.push({level: level as pino.Level, stream: pino.destination({dest: file, sync: false, mkdir: true})});
	}
	if (stdout) streams.push({level: level as pino.Level, stream: process.stdout});
	return pino(
		{
			level,
			redact: {paths: [...redactedKeys, ...redactedKeys.map((key) => `*.${key}`)], censor: '***'},
			base: undefined,
		},
		streams.length > 0 ? pino.multistream(streams) : pino.destination('/dev/null'),
	);
}
