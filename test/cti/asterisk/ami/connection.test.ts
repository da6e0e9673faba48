import {afterEach, describe, expect, it} from 'vitest';
import {
	AmiConnectionError,
	createAmiConnection,
	type AmiConnection,
	type AmiConnectionOptions,
	type AmiStatusChange,
} from '../../../../source/cti/asterisk/ami/connection.js';
import type {AmiMessage} from '../../../../source/cti/asterisk/ami/parser.js';
import {AmiSerializeError, type AmiAction} from '../../../../source/cti/asterisk/ami/serializer.js';
import {createFakeClock, type FakeClock} from '../../../helpers/fake-clock.js';
import {
	loadAmiScenario,
	startFakeAmiServer,
	type FakeAmiServer,
	type FakeAmiServerOptions,
} from '../../../helpers/fake-ami-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// Waits on a condition (never a fixed sleep); the poll only bounds how often it is checked.
async function until<T>(check: () => T | undefined | false, what = 'condition'): Promise<T> {
	const deadline = Date.now() + 5000;
	for (;;) {
		const value = check();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 2));
	}
}

interface Harness {
	server: FakeAmiServer;
	connection: AmiConnection;
	clock: FakeClock;
	statuses: AmiStatusChange[];
	events: AmiMessage[];
}

async function setup(
	serverOptions: FakeAmiServerOptions,
	connectionOptions: Partial<AmiConnectionOptions> = {},
): Promise<Harness> {
	const server = await startFakeAmiServer(serverOptions);
	const clock = createFakeClock();
	const connection = createAmiConnection({
		host: server.host,
		port: server.port,
		username: 'ctidesk',
		secret: 'ctidesk',
		clock,
		random: () => 0,
		pingIntervalMs: 0,
		...connectionOptions,
	});
	const statuses: AmiStatusChange[] = [];
	const events: AmiMessage[] = [];
	connection.on('status', (change) => statuses.push(change));
	connection.on('event', (event) => events.push(event));
	cleanups.push(async () => {
		await connection.close();
		await server.close();
	});
	return {server, connection, clock, statuses, events};
}

// The recorder's action without its ActionID: the connection adds its own.
function recorded(scenario: string, index: number): AmiAction {
	const fields = loadAmiScenario(scenario).actions[index]!.message.fields.filter(
		([key]) => key !== 'ActionID',
	);
	return Object.fromEntries(fields) as AmiAction;
}

describe('createAmiConnection against recorded Asterisk sessions', () => {
	it('reads the banner, logs in, delivers the events that follow, pings and logs off (01)', async () => {
		const {server, connection, statuses, events} = await setup({scenarios: '01-login-ok'});
		await connection.start();
		expect(connection.status).toBe('connected');
		expect(connection.banner).toBe('Asterisk Call Manager/11.0.0');
		expect(statuses.map((s) => s.status)).toEqual(['connecting', 'connected']);

		const login = await server.waitForAction('Login');
		expect(login.message.fields.map(([key]) => key)).toEqual([
			'Action',
			'Username',
			'Secret',
			'Events',
			'ActionID',
		]);
		expect(login.message.get('Events')).toBe('on');

		const pong = await connection.send({Action: 'Ping'});
		expect(pong.get('Ping')).toBe('Pong');
		expect(pong.actionId).toBe((await server.waitForAction('Ping')).actionId);
		await until(() => events.length >= 2, 'FullyBooted and SuccessfulAuth');
		expect(events.map((e) => e.event)).toEqual(['FullyBooted', 'SuccessfulAuth']);

		await connection.close();
		expect((await server.waitForAction('Logoff')).connection).toBe(0);
		expect(connection.status).toBe('closed');
		await expect(connection.send({Action: 'Ping'})).rejects.toMatchObject({code: 'closed'});
	});

	it.each([
		['02-login-bad', 'wrong-secret'],
		['02b-login-unknown-user', 'ctidesk'],
	])(
		'reports a refused login (%s) as "authentication failed" and retries slowly',
		async (scenario, secret) => {
			const {server, connection, clock, statuses} = await setup(
				{scenarios: scenario},
				{secret, reconnect: {initialDelayMs: 100, authFailureDelayMs: 5000, jitter: 0}},
			);
			await connection.start();
			const failed = statuses.find((s) => s.status === 'disconnected');
			expect(failed).toMatchObject({reason: 'authentication failed', retryInMs: 5000});
			expect(connection.status).toBe('disconnected');
			await expect(connection.send({Action: 'Ping'})).rejects.toThrow(
				/not connected \(authentication failed\)/,
			);

			clock.advance(4999);
			expect(server.connections).toBe(1);
			clock.advance(1);
			await server.waitForConnections(2);
			await until(
				() => statuses.filter((s) => s.status === 'disconnected').length === 2,
				'second failure',
			);
			expect(statuses.filter((s) => s.status === 'disconnected').at(-1)).toMatchObject({
				reason: 'authentication failed',
				retryInMs: 10_000,
			});
			expect(server.received.filter((a) => a.action === 'Login')).toHaveLength(2);
		},
	);

	it('keeps the link alive with Ping and drops it when Pong stops coming', async () => {
		const {server, connection, clock, statuses} = await setup(
			{scenarios: '08-restart-reconnect', unmatched: 'ignore'},
			{pingIntervalMs: 20_000, pingTimeoutMs: 5000, reconnect: {initialDelayMs: 1000, jitter: 0}},
		);
		await connection.start();
		clock.advance(20_000);
		await server.waitForAction('Ping');
		expect(connection.status).toBe('connected');
		clock.advance(4999);
		await Promise.resolve();
		expect(connection.status).toBe('connected');
		clock.advance(1);
		await until(() => connection.status === 'disconnected', 'ping timeout');
		expect(statuses.at(-1)).toMatchObject({
			reason: 'PBX stopped answering (ping timeout)',
			retryInMs: 1000,
		});
	});

	it('answers Ping with Pong and schedules the next one', async () => {
		const {server, connection, clock} = await setup(
			{scenarios: '08-restart-reconnect'},
			{pingIntervalMs: 1000},
		);
		await connection.start();
		clock.advance(1000);
		await server.waitForAction('Ping');
		await until(() => {
			clock.advance(1000);
			return server.received.filter((a) => a.action === 'Ping').length >= 2;
		}, 'second ping');
		expect(connection.status).toBe('connected');
	});

	it('collects list actions until their …Complete event (03 QueueStatus)', async () => {
		const {connection, events} = await setup({scenarios: '03-queue-member-add-pause'});
		await connection.start();
		const scenario = '03-queue-member-add-pause';
		const added = await connection.send(recorded(scenario, 1));
		expect(added.get('Message')).toBe('Added interface to queue');
		const again = await connection.send(recorded(scenario, 2));
		expect(again.response).toBe('Error');
		expect(again.get('Message')).toBe('Unable to add interface: Already there');

		const status = await connection.sendList(recorded(scenario, 3));
		expect(status.response.get('EventList')).toBe('start');
		expect(status.events.map((e) => e.event)).toEqual(['QueueParams', 'QueueMember']);
		expect(status.complete?.event).toBe('QueueStatusComplete');
		expect(status.complete?.get('ListItems')).toBe(String(status.events.length));
		expect(status.events.every((e) => e.actionId === status.response.actionId)).toBe(true);
		// List items go to the list, not to the live event stream; QueueMemberAdded does.
		expect(events.some((e) => e.event === 'QueueParams')).toBe(false);
		await until(() => events.some((e) => e.event === 'QueueMemberAdded'), 'QueueMemberAdded');

		for (let index = 4; index <= 10; index++) {
			const action = recorded(scenario, index);
			if (/^Queue(Status|Summary)$/.test(action.Action)) await connection.sendList(action);
			else await connection.send(action);
		}
		const none = await connection.sendList(recorded(scenario, 11));
		expect(none.response.response).toBe('Success');
		expect(none.events).toEqual([]);
		expect(none.complete?.get('ListItems')).toBe('0');
	});

	it('returns Command output lines and the Getvar value in the response (09)', async () => {
		const {connection} = await setup({scenarios: '09-errors'});
		await connection.start();
		const getvar = await connection.send(recorded('09-errors', 14));
		expect(getvar.get('Variable')).toBe('CALLERID(num)');
		expect(getvar.get('Value')).toBe('101');
		const command = await connection.send({Action: 'Command', Command: 'core show version'});
		expect(command.get('Message')).toBe('Command output follows');
		expect(command.getAll('Output')).toEqual([
			'Asterisk 22.10.1 built by root @ vm on a x86_64 running Linux on 2026-11-25 22:41:19 UTC',
		]);
	});

	it('delivers OriginateResponse as an event, not as the Originate reply (06)', async () => {
		const {connection, events} = await setup({scenarios: '06-outbound-click-to-dial'});
		await connection.start();
		const queued = await connection.send(recorded('06-outbound-click-to-dial', 1));
		expect(queued.kind).toBe('response');
		expect(queued.get('Message')).toBe('Originate successfully queued');
		const result = await until(
			() => events.find((e) => e.event === 'OriginateResponse'),
			'OriginateResponse',
		);
		expect(result.actionId).toBe(queued.actionId);
		expect(result.response).toBe('Success');
		expect(result.get('Reason')).toBe('4');
	});

	it('fails pending actions at once on Shutdown, reconnects and logs in again (08)', async () => {
		const {server, connection, clock, statuses, events} = await setup(
			{scenarios: ['08-restart', '08-restart-reconnect'], mode: 'step', unmatched: 'ignore'},
			{reconnect: {initialDelayMs: 200, jitter: 0}},
		);
		await connection.start();
		const outcome = connection.send({Action: 'Status'}).then(
			() => undefined,
			(caught: unknown) => caught,
		);
		await server.waitForAction('Status');
		await server.playAll();
		const error = await outcome;
		expect(error).toBeInstanceOf(AmiConnectionError);
		expect((error as Error).message).toBe('AMI connection lost: PBX shut down');
		expect(events.at(-1)?.event).toBe('Shutdown');
		expect(statuses.at(-1)).toMatchObject({
			status: 'disconnected',
			reason: 'PBX shut down',
			retryInMs: 200,
		});

		clock.advance(200);
		await until(
			() => statuses.filter((s) => s.status === 'connected').length === 2,
			'second login',
		);
		expect(server.connections).toBe(2);
		expect(server.received.filter((a) => a.action === 'Login').map((a) => a.connection)).toEqual([
			0, 1,
		]);
		await server.playUntil((m) => m.event === 'FullyBooted');
		await until(() => events.at(-1)?.event === 'FullyBooted', 'FullyBooted after restart');
		expect(events.at(-1)?.get('Uptime')).toBe('0');
	});

	it('fails pending actions at once when the socket drops', async () => {
		const {server, connection, statuses} = await setup({
			scenarios: '01-login-ok',
			unmatched: 'ignore',
		});
		await connection.start();
		const pending = connection.send({Action: 'CoreStatus'});
		await server.waitForAction('CoreStatus');
		server.kill();
		await expect(pending).rejects.toThrow('AMI connection lost: connection closed by the PBX');
		expect(statuses.at(-1)?.status).toBe('disconnected');
	});

	it('says "connection refused" while the PBX is down, then connects once it listens', async () => {
		const {server, connection, clock, statuses} = await setup(
			{scenarios: '01-login-ok'},
			{reconnect: {initialDelayMs: 200, factor: 2, maxDelayMs: 1000, jitter: 0}},
		);
		await server.setListening(false);
		await connection.start();
		expect(statuses.at(-1)).toMatchObject({
			status: 'disconnected',
			reason: 'connection refused',
			retryInMs: 200,
		});
		clock.advance(200);
		await until(
			() => statuses.filter((s) => s.reason === 'connection refused').length === 2,
			'second refusal',
		);
		expect(statuses.at(-1)?.retryInMs).toBe(400);
		await server.setListening(true);
		clock.advance(400);
		await until(() => connection.status === 'connected', 'connected');
		expect(statuses.at(-1)?.attempt).toBe(3);
	});

	it('sends the Events mask at login and the Filter actions before reporting connected', async () => {
		const {server, connection} = await setup(
			{scenarios: '01-login-ok'},
			{events: 'call,agent', filters: ['!Event: VarSet', '!Event: Newexten']},
		);
		await connection.start();
		expect((await server.waitForAction('Login')).message.get('Events')).toBe('call,agent');
		const filters = server.received.filter((a) => a.action === 'Filter');
		expect(filters.map((a) => [a.message.get('Operation'), a.message.get('Filter')])).toEqual([
			['Add', '!Event: VarSet'],
			['Add', '!Event: Newexten'],
		]);
	});

	it('uses unique ActionIDs that are not derived from the clock', async () => {
		const {server, connection} = await setup({scenarios: '01-login-ok'});
		await connection.start();
		await Promise.all(Array.from({length: 50}, () => connection.send({Action: 'Ping'})));
		const ids = server.received.map((a) => a.actionId!);
		expect(new Set(ids).size).toBe(ids.length);
		const [prefix] = ids[0]!.split('-');
		expect(ids.every((id, index) => id === `${prefix}-${index + 1}`)).toBe(true);
		expect(ids.join(' ')).not.toContain(String(Date.now()).slice(0, 6));

		const other = createAmiConnection({
			host: server.host,
			port: server.port,
			username: 'u',
			secret: 's',
			clock: createFakeClock(),
		});
		cleanups.push(() => other.close());
		await other.start();
		const otherId = server.received.at(-1)!.actionId!;
		expect(otherId.split('-')[0]).not.toBe(prefix);
	});

	it('refuses a hostile value before writing anything', async () => {
		const {server, connection} = await setup({scenarios: '01-login-ok'});
		await connection.start();
		await expect(
			connection.send({Action: 'Originate', Exten: '1000\r\nAction: Originate'}),
		).rejects.toBeInstanceOf(AmiSerializeError);
		await connection.send({Action: 'Ping'});
		expect(server.received.map((a) => a.action)).toEqual(['Login', 'Ping']);
	});

	it('refuses at once while not connected, and close() stops reconnecting', async () => {
		const {server, connection, clock} = await setup(
			{scenarios: '01-login-ok'},
			{reconnect: {initialDelayMs: 100, jitter: 0}},
		);
		await expect(connection.send({Action: 'Ping'})).rejects.toMatchObject({code: 'not-connected'});
		await server.setListening(false);
		await connection.start();
		await connection.close();
		clock.advance(10_000);
		expect(connection.status).toBe('closed');
		expect(clock.pending()).toBe(0);
	});
});
