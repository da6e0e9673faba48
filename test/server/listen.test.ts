// Binding: loopback only, IPv4 and IPv6 on one port, readable errors when the port is taken
// or privileged, and a close() that really closes.
import {readFileSync} from 'node:fs';
import {connect, createServer as createNetServer, type Server} from 'node:net';
import {networkInterfaces} from 'node:os';
import {afterEach, describe, expect, it} from 'vitest';
import {createServer} from '../../source/server/create-server.js';
import {describeListenError, listenServer} from '../../source/server/listen.js';
import {startHarness, type Harness} from './server-harness.js';

let h: Harness | null = null;
const blockers: Server[] = [];

afterEach(async () => {
	await h?.close();
	h = null;
	await Promise.all(blockers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** 'open' when something accepts a TCP connection at host:port, else the error code. */
function probe(host: string, port: number): Promise<string> {
	return new Promise((resolve) => {
		const socket = connect({host, port});
		socket.once('connect', () => {
			socket.destroy();
			resolve('open');
		});
		socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
	});
}

function hasIpv6Loopback(): boolean {
	return Object.values(networkInterfaces()).some((addresses) => addresses?.some((address) => address.address === '::1'));
}

function externalAddresses(): string[] {
	return Object.values(networkInterfaces())
		.flatMap((addresses) => addresses ?? [])
		.filter((address) => !address.internal && !address.address.startsWith('fe80'))
		.map((address) => address.address);
}

function unprivilegedPortStart(): number {
	try {
		return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
	} catch {
		return 1024;
	}
}

describe('listenServer', () => {
	it('binds 127.0.0.1 and serves the API there', async () => {
		h = await startHarness();
		expect(await probe('127.0.0.1', h.port)).toBe('open');
		const response = await fetch(`http://localhost:${h.port}/cgi-bin/status.cgi?format=json`);
		expect(response.status).toBe(200);
	});

	it.skipIf(!hasIpv6Loopback())('binds ::1 on the same port', async () => {
		h = await startHarness();
		expect(await probe('::1', h.port)).toBe('open');
		const response = await fetch(`http://[::1]:${h.port}/cgi-bin/status.cgi?format=json`);
		expect(response.status).toBe(200);
	});

	it('binds no other address', async () => {
		h = await startHarness();
		for (const address of externalAddresses()) {
			expect(await probe(address, h.port), address).not.toBe('open');
		}
	});

	it('closes the servers and their keep-alive connections on close()', async () => {
		h = await startHarness();
		const {port} = h;
		await fetch(`http://127.0.0.1:${port}/cgi-bin/status.cgi`, {keepalive: true});
		await h.close();
		h = null;
		expect(await probe('127.0.0.1', port)).toBe('ECONNREFUSED');
	});

	it('says plainly that the local API is off when the port is in use', async () => {
		const blocker = createNetServer();
		blockers.push(blocker);
		await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
		const port = (blocker.address() as {port: number}).port;
		h = await startHarness();
		const config = h.config;
		const deps = {store: h.store, config: () => config, activity: h.activity};
		const result = await listenServer(createServer(deps), {...deps, port});
		expect(result.error).toMatchObject({code: 'EADDRINUSE'});
		expect(result.error?.message).toContain(`Local API off: port ${port} is in use`);
		expect(result.error?.message).toContain('--port');
	});

	it.skipIf(process.getuid?.() === 0 || unprivilegedPortStart() <= 180)(
		'explains the privilege fixes when port 180 is refused',
		async () => {
			h = await startHarness();
			const config = h.config;
		const deps = {store: h.store, config: () => config, activity: h.activity};
			const result = await listenServer(createServer(deps), {...deps, port: 180});
			expect(result.error).toEqual(describeListenError('EACCES', 180));
		},
	);

	it('keeps the privilege message short and complete', () => {
		const error = describeListenError('EACCES', 180);
		expect(error.message).toContain('--port 8180');
		expect(error.message).toContain('sudo setcap cap_net_bind_service=+ep $(readlink -f $(which node))');
		expect(error.message).toContain('sudo sysctl net.ipv4.ip_unprivileged_port_start=80');
		expect(error.message.length).toBeLessThanOrEqual(210);
		expect(error.short.length).toBeLessThanOrEqual(60);
	});
});
