// Starts the real local API on 127.0.0.1 (and ::1) port 0 over the real session store and the
// real simulator, with the fake clock so the simulated PBX moves only when a test says so.
import {request as httpRequest, type IncomingHttpHeaders} from 'node:http';
import {findAgent, verifyLoginSecret} from '../../source/config/password.js';
import {defaultConfig, type Config} from '../../source/config/schema.js';
import {nextCallId} from '../../source/core/call-id.js';
import type {AgentIdentity} from '../../source/core/types.js';
import type {Logger} from '../../source/logger.js';
import {createSimDriver} from '../../source/cti/sim/sim-driver.js';
import {createServer} from '../../source/server/create-server.js';
import {listenServer} from '../../source/server/listen.js';
import type {EventsSocketOptions} from '../../source/server/events-socket.js';
import type {InstanceControl} from '../../source/server/action.js';
import type {PeerCheck} from '../../source/server/guard.js';
import {createOriginRequests, type OriginRequests} from '../../source/server/origin-requests.js';
import {createActivityLog, type ActivityLog} from '../../source/session/activity-log.js';
import {createSessionStore, type SessionStore} from '../../source/session/session-store.js';
import {createFakeClock, type FakeClock} from '../helpers/fake-clock.js';

export const crmOrigin = 'https://crm.example.com';
export const homeOrigin = 'https://home.example.org';
export const linkOrigin = 'http://intranet.example.net:8080';

export function testConfig(): Config {
	const config = defaultConfig();
	config.server.allowedOrigins = [crmOrigin];
	config.pops.home.url = `${homeOrigin}/crm/index.html`;
	config.pops.ring.url = `${homeOrigin}/pops/ring`;
	config.links = [{name: 'Tickets', url: `${linkOrigin}/tickets?q=1`}];
	config.wrapUpSeconds = 0;
	return config;
}

export interface Harness {
	store: SessionStore;
	clock: FakeClock;
	activity: ActivityLog;
	/** The config at start; `currentConfig()` has the one in use (allow-always adds origins). */
	config: Config;
	currentConfig(): Config;
	/** With `firstContact`: the first-contact service the server asks. */
	originRequests: OriginRequests | null;
	port: number;
	base: string;
	close(): Promise<void>;
}

export function authenticateWith(config: Config) {
	return (user: string, secret: string): AgentIdentity | null => {
		const entry = findAgent(config, user);
		if (!entry || !verifyLoginSecret(secret, entry)) return null;
		return {user, agentId: entry.agentId, empId: entry.empId, extension: config.agent.extension, groups: entry.groups};
	};
}

export interface HarnessOptions extends EventsSocketOptions {
	config?: Config;
	wrapUpSeconds?: number;
	replayLimit?: number;
	logger?: Logger;
	instance?: InstanceControl;
	peerCheck?: PeerCheck;
	/** Ask the agent on first contact from an origin not allowed yet (the fake clock times it). */
	firstContact?: {timeoutMs?: number};
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
	const config = options.config ?? testConfig();
	const clock = createFakeClock();
	const driver = createSimDriver(
		{
			seed: 7,
			arrivalsPerMinute: 0,
			patienceSeconds: 90,
			ringSeconds: 15,
			otherAgents: 0,
			talkSeconds: 60,
			groups: ['1'],
			agentNumber: '101',
		},
		clock,
	);
	let lastCallId: string | null = null;
	const store = createSessionStore({
		driver,
		clock,
		authenticate: authenticateWith(config),
		wrapUpSeconds: options.wrapUpSeconds ?? 0,
		allocateCallId: (now) => (lastCallId = nextCallId(lastCallId, now)),
		...(options.replayLimit ? {replayLimit: options.replayLimit} : {}),
	});
	await store.start();
	// As the app wires it: every activity entry also goes to the log file.
	const logger = options.logger;
	const activity = createActivityLog({now: () => clock.now(), ...(logger ? {sink: (entry) => logger.info({activity: entry}, entry.text)} : {})});
	let current = config;
	const originRequests = options.firstContact
		? createOriginRequests({
				clock,
				timeoutMs: options.firstContact.timeoutMs,
				allowAlways: (origin) => {
					current = {...current, server: {...current.server, allowedOrigins: [...current.server.allowedOrigins, origin]}};
				},
			})
		: null;
	const deps = {
		store,
		config: () => current,
		activity,
		...(originRequests ? {originRequests} : {}),
		...(logger ? {logger} : {}),
		...(options.instance ? {instance: options.instance} : {}),
		...(options.peerCheck ? {peerCheck: options.peerCheck} : {}),
	};
	const listening = await listenServer(createServer(deps), {...deps, port: 0, heartbeatMs: options.heartbeatMs, maxBufferedBytes: options.maxBufferedBytes});
	if (listening.error) throw new Error(listening.error.message);
	return {
		store,
		clock,
		activity,
		config,
		currentConfig: () => current,
		originRequests,
		port: listening.port,
		base: `http://127.0.0.1:${listening.port}`,
		async close() {
			await listening.close();
			await store.stop();
		},
	};
}

export interface RawResponse {
	status: number;
	headers: IncomingHttpHeaders;
	body: string;
}

/** node:http request, for what fetch refuses to send (a foreign Host, raw paths). */
export function rawRequest(
	port: number,
	path: string,
	options: {method?: string; headers?: Record<string, string>; body?: string; host?: string} = {},
): Promise<RawResponse> {
	return new Promise((resolve, reject) => {
		const request = httpRequest(
			{
				host: options.host ?? '127.0.0.1',
				port,
				path,
				method: options.method ?? 'GET',
				headers: options.headers,
				setHost: options.headers?.['Host'] === undefined,
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8')}),
				);
				response.on('error', reject);
			},
		);
		request.on('error', reject);
		request.end(options.body);
	});
}

/** Logs the demo agent in and makes it ready, through the session (not under test here). */
export async function loginReady(store: SessionStore): Promise<void> {
	const login = await store.run({type: 'login', user: '101', password: '101'});
	if (!login.ok) throw new Error(login.message);
	const ready = await store.run({type: 'ready'});
	if (!ready.ok) throw new Error(ready.message);
}
