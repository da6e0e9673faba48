// A tiny JSON client for a running instance's local API (loopback only).
import {request} from 'node:http';

export interface ApiClient {
	get<T>(path: string): Promise<T>;
	post<T>(path: string, body: unknown): Promise<T>;
	readonly port: number;
}

export function createApiClient(port: number, timeoutMs = 10_000): ApiClient {
	const call = <T>(method: 'GET' | 'POST', path: string, body?: unknown) =>
		new Promise<T>((resolve, reject) => {
			const payload = body === undefined ? undefined : JSON.stringify(body);
			const req = request(
				{
					host: '127.0.0.1',
					port,
					path,
					method,
					timeout: timeoutMs,
					headers: {
						Host: `127.0.0.1:${port}`,
						Accept: 'application/json',
						...(payload === undefined
							? {}
							: {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload)}),
					},
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (chunk: Buffer) => chunks.push(chunk));
					res.on('end', () => {
						const text = Buffer.concat(chunks).toString('utf8');
						try {
							resolve(JSON.parse(text) as T);
						} catch {
							reject(
								new Error(
									`ctidesk at port ${port} answered ${res.statusCode}: ${text.slice(0, 200)}`,
								),
							);
						}
					});
				},
			);
			req.on('timeout', () =>
				req.destroy(new Error(`ctidesk at port ${port} did not answer in time`)),
			);
			req.on('error', reject);
			req.end(payload);
		});
	return {get: (path) => call('GET', path), post: (path, body) => call('POST', path, body), port};
}
