// The test desk for the Asterisk driver: the real driver over the real AMI connection, against the
// fake AMI server that answers the driver's actions with the recorded bytes of each capture
// (test/fixtures/asterisk-ami/), with the real session store and pop service on top. Only the
// PBX (the recordings) and the browser (a recording launcher) are outside the product.
import {
	createAsteriskDriver,
	type AsteriskDialplan,
} from '../../../source/cti/asterisk/asterisk-driver.js';
import type {Driver} from '../../../source/cti/driver.js';
import {defaultConfig} from '../../../source/config/schema.js';
import type {AgentIdentity, Call, DriverEvent, SessionState} from '../../../source/core/types.js';
import type {Launcher} from '../../../source/pops/launcher.js';
import {createPopService} from '../../../source/pops/pop-service.js';
import {buildPopUrl} from '../../../source/pops/pop-url.js';
import {createSessionStore, type SessionStore} from '../../../source/session/session-store.js';
import {expect} from 'vitest';
import {
	startFakeAmiServer,
	type FakeAmiServer,
	type FakeAmiServerOptions,
	type AmiMessage,
} from '../../helpers/fake-ami-server.js';
import {createFakeClock, type FakeClock} from '../../helpers/fake-clock.js';

export const identity: AgentIdentity = {
	user: '101',
	agentId: '1',
	empId: '001',
	extension: '101',
	groups: ['support'],
};
export const sid = '0123456789ABCDEF0123456789ABCDEF';

const cleanups: Array<() => Promise<void>> = [];
/** Call from an afterEach in each test file: stops every desk and fake server started. */
export async function stopDesks(): Promise<void> {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

// Waits on a condition, never a fixed sleep; the poll only bounds how often it is checked.
export async function until<T>(
	check: () => T | undefined | null | false,
	what: string,
): Promise<T> {
	const deadline = Date.now() + 5000;
	for (;;) {
		const value = check();
		if (value !== undefined && value !== null && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 2));
	}
}

export interface Desk {
	server: FakeAmiServer;
	driver: Driver;
	store: SessionStore;
	clock: FakeClock;
	events: DriverEvent[];
	/** The call as the session held it when each pop would fire. */
	pops: {ring: Call[]; answer: Call[]; hangup: Call[]};
	/** What the real pop service (with its journal: once per callid and kind) handed the browser. */
	launched: Array<{kind: string; callId: string | null}>;
	state(): SessionState;
	sent(action: string): AmiMessage[];
	waitFor(type: DriverEvent['type'], match?: (event: DriverEvent) => boolean): Promise<DriverEvent>;
}

export interface DeskOptions {
	mode?: FakeAmiServerOptions['mode'];
	unmatched?: FakeAmiServerOptions['unmatched'];
	iface?: string;
	dialplan?: Partial<AsteriskDialplan>;
	newChannelId?: () => string;
	secret?: string;
	/** Wrap-up after an answered call (default 0: none). */
	wrapUpSeconds?: number;
	config?: Partial<ReturnType<typeof defaultConfig>['pbx']['asterisk']>;
}

export async function startDesk(
	scenarios: string | string[],
	options: DeskOptions = {},
): Promise<Desk> {
	const server = await startFakeAmiServer({
		scenarios,
		mode: options.mode ?? 'auto',
		...(options.unmatched ? {unmatched: options.unmatched} : {}),
	});
	const clock = createFakeClock();
	const config = {
		...defaultConfig().pbx.asterisk,
		host: server.host,
		port: server.port,
		username: 'ctidesk',
		secret: options.secret ?? 'ctidesk',
		interface: options.iface ?? 'Local/101@agent-phone',
		queues: ['support'],
		...options.config,
	};
	const driver = createAsteriskDriver({
		config,
		clock,
		...(options.dialplan ? {dialplan: options.dialplan} : {}),
		...(options.newChannelId ? {newChannelId: options.newChannelId} : {}),
	});
	const events: DriverEvent[] = [];
	driver.onEvent((event) => events.push(event));
	let seq = 0;
	const store = createSessionStore({
		driver,
		clock,
		authenticate: (user) => (user === identity.user ? identity : null),
		wrapUpSeconds: options.wrapUpSeconds ?? 0,
		allocateCallId: () => `20261125090000${String(++seq).padStart(3, '0')}`,
		createSid: () => sid,
	});
	const pops: Desk['pops'] = {ring: [], answer: [], hangup: []};
	store.onEvent((event, previous, next) => {
		if (event.type === 'call-offered' || event.type === 'call-dialing') pops.ring.push(next.call!);
		if (event.type === 'call-answered' && next.call) pops.answer.push(next.call);
		if (event.type === 'call-ended' && previous.call) pops.hangup.push(previous.call);
	});
	// The real pop service; only the browser is outside the product (a recording launcher).
	const launched: Desk['launched'] = [];
	const launcher: Launcher = {
		launch: async (request) => {
			launched.push({kind: request.kind, callId: request.callId});
			return {outcome: 'opened', detail: null};
		},
		onFallback: () => () => undefined,
	};
	const popTarget = (kind: string) => ({
		url: `https://crm.example/${kind}`,
		mode: 'browser' as const,
	});
	const popService = createPopService({
		store,
		launcher,
		clock,
		settings: {
			home: {url: '', mode: 'off'},
			ring: popTarget('ring'),
			answer: popTarget('answer'),
			hangup: popTarget('hangup'),
			loginParams: 'sid',
			ringOnDial: false,
		},
	});
	popService.start();
	cleanups.push(async () => {
		popService.stop();
		await store.stop();
		await server.close();
	});
	await store.start();
	const desk: Desk = {
		server,
		driver,
		store,
		clock,
		events,
		pops,
		launched,
		state: () => store.getSnapshot(),
		sent: (action) =>
			server.received.filter((entry) => entry.action === action).map((entry) => entry.message),
		waitFor: (type, match = () => true) =>
			until(() => events.find((event) => event.type === type && match(event)), type),
	};
	return desk;
}

export async function connectAndLogin(desk: Desk): Promise<void> {
	await until(() => desk.state().pbx.connected, 'connected');
	expect(await desk.store.run({type: 'login', user: '101', password: 'x'})).toEqual({ok: true});
}

export const callEvents = (events: DriverEvent[]) =>
	events.filter((event) => event.type.startsWith('call-') || event.type.startsWith('consult-'));

export function popParams(call: Call): Record<string, string> {
	return Object.fromEntries(
		new URL(buildPopUrl('https://crm.example/pop', call, sid)).searchParams,
	);
}

// Replies for actions the captures never recorded (resync after a reconnect), in Asterisk's shape.
export function listReply(
	id: string,
	complete: string,
	items: Array<Record<string, string>>,
): string {
	const block = (fields: Record<string, string>) =>
		Object.entries(fields)
			.map(([key, value]) => `${key}: ${value}\r\n`)
			.join('') + '\r\n';
	return (
		block({Response: 'Success', ActionID: id, EventList: 'start', Message: 'List will follow'}) +
		items.map((item) => block({...item, ActionID: id})).join('') +
		block({Event: complete, ActionID: id, EventList: 'Complete', ListItems: String(items.length)})
	);
}

export function resyncReplies(
	channels: Array<Record<string, string>>,
): FakeAmiServerOptions['unmatched'] {
	return (action) => {
		const id = action.get('ActionID') ?? '';
		switch (action.get('Action')) {
			case 'QueueStatus':
				return listReply(id, 'QueueStatusComplete', [
					{
						Event: 'QueueMember',
						Queue: 'support',
						Name: 'agent 101',
						Location: 'Local/101@agent-phone',
						Paused: '0',
						PausedReason: '',
					},
				]);
			case 'CoreShowChannels':
				return listReply(id, 'CoreShowChannelsComplete', channels);
			case 'Logoff':
				return `Response: Goodbye\r\nActionID: ${id}\r\nMessage: Thanks for all the fish.\r\n\r\n`;
			default:
				return `Response: Success\r\nActionID: ${id}\r\n\r\n`;
		}
	};
}
