// The opener's token: made once (32 random bytes, base64url) and kept in the opener's own data
// dir with mode 0600, so the desk's config keeps working across opener restarts.
import {randomBytes} from 'node:crypto';
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';

export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

/** The token in `file`, made and saved first when there is none (or `renew`). */
export function loadOrCreateToken(file: string, {renew = false} = {}): {token: string; created: boolean} {
	if (!renew) {
		try {
			const token = readFileSync(file, 'utf8').trim();
			if (/^[A-Za-z0-9_-]{16,128}$/.test(token)) return {token, created: false};
		} catch {
			// none yet
		}
	}
	const token = newToken();
	mkdirSync(path.dirname(file), {recursive: true, mode: 0o700});
	writeFileSync(file, `${token}\n`, {mode: 0o600});
	return {token, created: true};
}
