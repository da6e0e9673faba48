// A port free on 127.0.0.1 and on ::1 (ctidesk binds both, and its config needs a real port).
import {createServer} from 'node:net';

// No IPv6 here: ctidesk then binds 127.0.0.1 alone.
const noIpv6 = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EINVAL']);

function tryListen(host: string, port: number): Promise<{port: number} | {code: string}> {
	return new Promise((resolve) => {
		const server = createServer();
		server.once('error', (error: NodeJS.ErrnoException) =>
			resolve({code: error.code ?? 'UNKNOWN'}),
		);
		server.listen({host, port, exclusive: true, ipv6Only: host === '::1'}, () => {
			const {port: bound} = server.address() as {port: number};
			server.close(() => resolve({port: bound}));
		});
	});
}

export async function findFreePort(): Promise<number> {
	for (let attempt = 0; attempt < 20; attempt += 1) {
		const v4 = await tryListen('127.0.0.1', 0);
		if (!('port' in v4)) throw new Error(`cannot listen on 127.0.0.1: ${v4.code}`);
		const v6 = await tryListen('::1', v4.port);
		if ('port' in v6 || noIpv6.has(v6.code)) return v4.port;
	}
	throw new Error('no port free on both 127.0.0.1 and ::1');
}
