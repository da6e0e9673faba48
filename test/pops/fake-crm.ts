// A CRM stand-in for the outbox tests: a real HTTP server on 127.0.0.1, port 0, that records
// every request and answers as the test says (also: never, until the test releases it).
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';

export interface CrmRequest {
	path: string;
	url: URL;
	cookie: string | null;
	headers: IncomingMessage['headers'];
}

export type CrmHandler = (request: CrmRequest, response: ServerResponse) => void;

export interface FakeCrm {
	readonly port: number;
	readonly origin: string;
	readonly requests: CrmRequest[];
	/** How the next requests are answered (default 200 "ok"). */
	handle: CrmHandler;
	/** Resolves once at least `count` requests arrived. */
	waitForRequests(count: number): Promise<void>;
	/** Stops accepting connections (the CRM goes down), keeping the port for start(). */
	stop(): Promise<void>;
	/** Listens again on the same port (the CRM comes back). */
	start(): Promise<void>;
	close(): Promise<void>;
}

export const answerOk: CrmHandler = (_request, response) => {
	response.writeHead(200, {'content-type': 'text/plain'});
	response.end('ok');
};

export async function startFakeCrm(port = 0): Promise<FakeCrm> {
	const requests: CrmRequest[] = [];
	const waiters: Array<{count: number; resolve: () => void}> = [];
	let server: Server | null = null;
	let boundPort = port;

	const crm: FakeCrm = {
		get port() {
			return boundPort;
		},
		get origin() {
			return `http://127.0.0.1:${boundPort}`;
		},
		requests,
		handle: answerOk,
		waitForRequests(count) {
			if (requests.length >= count) return Promise.resolve();
			return new Promise((resolve) => waiters.push({count, resolve}));
		},
		async start() {
			const instance = createServer((req, res) => {
				const url = new URL(req.url ?? '/', `http://127.0.0.1:${boundPort}`);
				const request: CrmRequest = {path: url.pathname, url, cookie: req.headers.cookie ?? null, headers: req.headers};
				requests.push(request);
				crm.handle(request, res);
				for (const waiter of waiters.filter((candidate) => requests.length >= candidate.count)) {
					waiters.splice(waiters.indexOf(waiter), 1);
					waiter.resolve();
				}
			});
			await new Promise<void>((resolve, reject) => {
				instance.once('error', reject);
				instance.listen(boundPort, '127.0.0.1', () => resolve());
			});
			boundPort = (instance.address() as AddressInfo).port;
			server = instance;
		},
		async stop() {
			const instance = server;
			server = null;
			if (!instance) return;
			instance.closeAllConnections();
			await new Promise<void>((resolve) => instance.close(() => resolve()));
		},
		close: () => crm.stop(),
	};
	await crm.start();
	return crm;
}
