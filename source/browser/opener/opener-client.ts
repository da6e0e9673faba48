// The desk's side of remote mode: a visible pop goes to `ctidesk opener` on the agent's own
// machine, reached through the SSH tunnel `ssh -R 2226:127.0.0.1:2226 server` as 127.0.0.1:2226
// on the server. When nothing answers (no tunnel, opener not running) the pop falls back to the
// on-screen link at once: a refused connection fails in microseconds, and a tunnel whose far
// end is silent is given up after a short timeout.
import type {PopWindowConfig} from '../../config/schema.js';

export interface OpenRequest {
	port: number;
	token: string;
	url: string;
	window: PopWindowConfig | null;
}

export type OpenResult = {ok: true} | {ok: false; detail: string};

export interface OpenerClient {
	open(request: OpenRequest): Promise<OpenResult>;
}

export function createOpenerClient({fetch: fetchImpl = globalThis.fetch, timeoutMs = 1500} = {}): OpenerClient {
	return {
		async open({port, token, url, window}) {
			try {
				const response = await fetchImpl(`http://127.0.0.1:${port}/open`, {
					method: 'POST',
					headers: {'content-type': 'application/json', authorization: `Bearer ${token}`},
					body: JSON.stringify({url, window}),
					signal: AbortSignal.timeout(timeoutMs),
				});
				const text = await response.text();
				if (response.ok) return {ok: true};
				return {ok: false, detail: `the opener refused the pop (HTTP ${response.status}: ${text.slice(0, 120)})`};
			} catch (error) {
				const cause = (error as {cause?: {code?: string}}).cause?.code;
				const why = cause === 'ECONNREFUSED' ? 'nothing listens there (is the ssh -R tunnel up and ctidesk opener running?)' : cause ?? (error as Error).message;
				return {ok: false, detail: `no opener on 127.0.0.1:${port}: ${why}`};
			}
		},
	};
}
