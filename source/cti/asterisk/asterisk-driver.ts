// The Asterisk driver: ctidesk's Driver contract over AMI. This file only wires the parts:
// - ami/connection.ts owns the socket, the login, ActionIDs and reconnecting;
// - link.ts sends actions and turns every answer into a readable Result;
// - presence.ts: queue membership and pause, and the reconcile to the agent's intent;
// - waiting-callers.ts: callers waiting in the agent's queues;
// - call-tracker.ts, call-events.ts, call-adoption.ts: the agent's call, by Linkedid/Uniqueid;
// - consult.ts: attended transfer and every way it can fail; call-commands.ts: the rest;
// - event-table.ts: AMI event name → handler.
// The recorded captures in test/fixtures/asterisk-ami/ are the ground truth; each module names
// the capture its rules come from.
//
// After every (re)connect (DESIGN rules 18, 19): forget what belonged to the old link, check the
// call against CoreShowChannels (adopt one the desk does not know, end one Asterisk no longer
// has), then make queue membership and pause match the intent, and only then say "connected".
import type {AsteriskConfig} from '../../config/schema.js';
import type {Capabilities, Clock, DriverEvent, ReconcileChange} from '../../core/types.js';
import {refuse} from '../../core/types.js';
import {createEventStream} from '../event-stream.js';
import type {Driver} from '../driver.js';
import {createAmiConnection, type AmiConnection, type AmiStatusChange} from './ami/connection.js';
import type {AmiMessage} from './ami/parser.js';
import {adoptCalls} from './call-adoption.js';
import {createCallCommands, createOriginateIds} from './call-commands.js';
import {createCallEvents} from './call-events.js';
import {createCallTracker} from './call-tracker.js';
import {createConsult} from './consult.js';
import {resolveDialplan, type AsteriskDialplan} from './dialplan.js';
import {isInterface, type DriverContext} from './driver-context.js';
import {createEventTable} from './event-table.js';
import {describeLinkProblem} from './event-map.js';
import {createAmiLink} from './link.js';
import {createPresence} from './presence.js';
import {createQueueGroups} from './queue-groups.js';
import {createWaitingCallers} from './waiting-callers.js';

export {defaultDialplan, type AsteriskDialplan} from './dialplan.js';

export interface AsteriskDriverOptions {
	config: AsteriskConfig;
	clock: Clock;
	/** A ready-made AMI connection (tests, custom reconnect policy); otherwise one is made from config. */
	connection?: AmiConnection;
	dialplan?: Partial<AsteriskDialplan>;
	/** QueueAdd StateInterface: the device whose state Asterisk watches; default `config.interface`. */
	stateInterface?: string;
	/** How long the agent's own phone may ring for a click-to-dial. */
	originateTimeoutMs?: number;
	/** The Uniqueid (and so Linkedid) given to an originated call; its other half gets `<id>-2`. */
	newChannelId?: (nowMs: number) => string;
}

const capabilities: Capabilities = {
	// Only the phone can go off-hook: AMI cannot answer a SIP phone's ringing channel.
	answer: false,
	hold: true,
	dial: true,
	blindTransfer: true,
	consultTransfer: true,
	conference: true,
	dtmf: true,
	mute: true,
	injectCall: false,
};

export function createAsteriskDriver(options: AsteriskDriverOptions): Driver {
	const {config, clock} = options;
	const events = createEventStream<DriverEvent>();
	const link = createAmiLink(config.username);
	let eventSeq = 0;
	const context: DriverContext = {
		config,
		iface: config.interface,
		groups: createQueueGroups(config.queues),
		dialplan: resolveDialplan(config, options.dialplan),
		link,
		now: () => clock.now(),
		emit: events.emit,
		eventSeq: () => eventSeq,
		ours: (value) => isInterface(value, config.interface),
	};

	const tracker = createCallTracker(context);
	const waiting = createWaitingCallers(context);
	const presence = createPresence(context, {
		stateInterface: options.stateInterface,
		onLoggedOut: () => waiting.report(false),
	});
	const consult = createConsult(context, tracker);
	const calls = createCallEvents(context, tracker, consult, presence);
	const commands = createCallCommands(context, {
		tracker,
		consult,
		presence,
		callEvents: calls,
		newChannelId: options.newChannelId ?? createOriginateIds(),
		originateTimeoutMs: options.originateTimeoutMs ?? 30_000,
	});
	const table = createEventTable({
		presence,
		waiting,
		calls,
		onQueueChange: () => waiting.report(presence.agent() !== null),
	});

	let connection: AmiConnection | null = options.connection ?? null;
	let unsubscribe: Array<() => void> = [];
	let linkGeneration = 0;
	let reportedConnection: string | null = null;

	function reportConnection(connected: boolean, message: string | null): void {
		const key = `${connected}:${message ?? ''}`;
		if (key === reportedConnection) return;
		reportedConnection = key;
		events.emit({type: 'connection-changed', at: clock.now(), connected, message});
	}

	function onAmiEvent(message: AmiMessage): void {
		eventSeq += 1;
		if (message.event) table[message.event]?.(message);
	}

	/**
	 * Brings the driver and Asterisk in line, in the order a real client asks (20b): QueueStatus,
	 * then the call (CoreShowChannels: a call that ended during the outage starts its wrap-up,
	 * which the intent then includes), and only then membership and pause to the intent.
	 */
	async function reconcile(afterConnect: boolean): Promise<void> {
		const listings = await presence.readQueues((queue, items, mark) =>
			waiting.fromQueueStatus(queue, items, mark),
		);
		waiting.report(presence.agent() !== null);
		if (!afterConnect) return;
		const changes: ReconcileChange[] = [];
		if (presence.agent()) changes.push(...(await adoptCalls(context, tracker, presence)));
		changes.push(...(await presence.enforceIntent(listings)));
		if (changes.length > 0) events.emit({type: 'pbx-reconciled', at: clock.now(), changes});
	}

	function onStatus(change: AmiStatusChange): void {
		if (change.status === 'connected') {
			link.setUp(true);
			const generation = ++linkGeneration;
			if (!presence.agent()) {
				reportConnection(true, null);
				return;
			}
			void reconcile(true)
				.catch(() => undefined)
				.then(() => {
					if (link.up && generation === linkGeneration) reportConnection(true, null);
				});
			return;
		}
		if (change.status === 'disconnected') {
			linkGeneration += 1;
			// Nothing learnt on this link may hide a call on the next (17/17b): forget it all.
			tracker.forgetLink();
			waiting.forgetLink();
			const problem = describeLinkProblem(change.reason, config);
			link.setUp(false, problem);
			reportConnection(false, problem);
		}
	}

	function makeConnection(): AmiConnection {
		return createAmiConnection({
			host: config.host,
			port: config.port,
			username: config.username,
			secret: config.secret,
			events: config.events,
			pingIntervalMs: config.pingSeconds * 1000,
			clock,
		});
	}

	return {
		name: 'asterisk',
		capabilities,

		async connect() {
			if (connection && unsubscribe.length > 0) return;
			connection ??= makeConnection();
			link.setConnection(connection);
			unsubscribe = [connection.on('event', onAmiEvent), connection.on('status', onStatus)];
			await connection.start();
		},

		async disconnect() {
			const current = connection;
			if (!current) return;
			for (const stop of unsubscribe) stop();
			unsubscribe = [];
			link.setUp(false);
			linkGeneration += 1;
			await current.close();
			// An injected connection cannot be started again; one made here is made anew.
			connection = options.connection ? current : null;
			link.setConnection(connection);
			tracker.forgetLink();
			// The call goes on in Asterisk, but this session will not see its end: record it now.
			const call = tracker.current();
			if (call?.reported) tracker.endCall(call, 'connection-lost');
			else if (call) tracker.drop(call);
			reportConnection(false, 'Disconnected from Asterisk.');
		},

		onEvent: (listener) => events.subscribe(listener),

		async login(identity) {
			const result = await presence.login(identity);
			if (!result.ok) return result;
			// Paused state of an existing membership, and the callers already waiting.
			await reconcile(false).catch(() => undefined);
			return result;
		},

		async logout() {
			if (link.up && tracker.current())
				return refuse('not-allowed', 'Hang up the current call before logging out.');
			return presence.logout();
		},

		setReady: () => presence.setPaused(false, null),
		setNotReady: (reason) => presence.setPaused(true, reason),
		setIntent: (intent) => presence.setIntent(intent),

		dial: (number) => commands.dial(number),
		answer: async () =>
			refuse(
				'not-supported',
				'Asterisk cannot answer the phone for you: lift the handset or press answer on the phone.',
			),
		hangup: () => commands.hangup(),
		hold: () => commands.hold(),
		unhold: () => commands.unhold(),
		transfer: (target, mode) => commands.transfer(target, mode),
		completeTransfer: () => commands.completeTransfer(),
		cancelTransfer: () => commands.cancelTransfer(),
		conference: () => commands.conference(),
		sendDtmf: (digits) => commands.sendDtmf(digits),
		mute: () => commands.setMuted(true),
		unmute: () => commands.setMuted(false),
	};
}
