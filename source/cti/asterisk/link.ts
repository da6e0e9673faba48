// The driver's view of the AMI connection: whether it is up, and one way to send an action that
// always resolves with a readable Result (a refusal, a dropped link, a hostile value), never a
// throw. ami/connection.ts owns the socket, the login, ActionIDs and reconnecting.
import type {ErrorCode} from '../../core/types.js';
import {AmiConnectionError, type AmiConnection, type AmiListResult} from './ami/connection.js';
import type {AmiMessage} from './ami/parser.js';
import {AmiSerializeError, type AmiAction} from './ami/serializer.js';
import {describeRefusal} from './event-map.js';

export type Outcome =
	{ok: true; response: AmiMessage} | {ok: false; code: ErrorCode; message: string};

export interface AmiLink {
	/** Logged in to Asterisk now. */
	readonly up: boolean;
	setConnection(connection: AmiConnection | null): void;
	setUp(up: boolean, problem?: string | null): void;
	/** Sends one action; `accept` also counts an Error whose Message matches as done. */
	request(action: AmiAction, accept?: RegExp): Promise<Outcome>;
	/** Sends a list action; null when the link is down or the action failed. */
	requestList(action: AmiAction): Promise<AmiListResult | null>;
	/** Sends and forgets (freeing the agent's phone after a held customer hung up). */
	fire(action: AmiAction): void;
	unavailable(): Extract<Outcome, {ok: false}>;
}

export const isSuccess = (response: AmiMessage): boolean =>
	(response.response ?? '').toLowerCase() === 'success';

export function createAmiLink(username: string): AmiLink {
	let connection: AmiConnection | null = null;
	let up = false;
	let problem: string | null = null;

	function unavailable(): Extract<Outcome, {ok: false}> {
		return {
			ok: false,
			code: 'pbx-unavailable',
			message: problem ? `Not connected to Asterisk: ${problem}` : 'Not connected to Asterisk.',
		};
	}

	return {
		get up() {
			return up;
		},
		setConnection(next) {
			connection = next;
		},
		setUp(next, why = null) {
			up = next;
			problem = next ? null : why;
		},
		unavailable,
		async request(action, accept) {
			if (!connection || !up) return unavailable();
			try {
				const response = await connection.send(action);
				if (isSuccess(response) || (accept && accept.test(response.get('Message') ?? ''))) {
					return {ok: true, response};
				}
				return {
					ok: false,
					code: 'pbx-refused',
					message: describeRefusal(action.Action, response.get('Message'), username),
				};
			} catch (error) {
				if (error instanceof AmiSerializeError)
					return {ok: false, code: 'bad-input', message: error.message};
				if (error instanceof AmiConnectionError) {
					return {
						ok: false,
						code: 'pbx-unavailable',
						message: `Not connected to Asterisk: ${error.message}`,
					};
				}
				return {
					ok: false,
					code: 'pbx-refused',
					message: error instanceof Error ? error.message : String(error),
				};
			}
		},
		async requestList(action) {
			if (!connection || !up) return null;
			try {
				const list = await connection.sendList(action);
				return isSuccess(list.response) ? list : null;
			} catch {
				return null;
			}
		},
		fire(action) {
			if (!connection || !up) return;
			void connection.send(action).catch(() => undefined);
		},
	};
}
