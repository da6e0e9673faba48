// Starts the local CGI/WebSocket server for the app, turning a bind failure into a message
// (the TUI keeps running with the local API off, issue part 2).
import type {Config} from './config/schema.js';
import type {Logger} from './logger.js';
import type {InstanceControl} from './server/action.js';
import {createServer} from './server/create-server.js';
import {listenServer} from './server/listen.js';
import type {OriginRequests} from './server/origin-requests.js';
import type {ActivityLog} from './session/activity-log.js';
import type {SessionStore} from './session/session-store.js';

export type LocalApi =
	{ok: true; port: number; close(): Promise<void>} | {ok: false; message: string};

export async function startLocalServer(deps: {
	store: SessionStore;
	/** The config in use, read at each request (saved settings apply at once). */
	config: () => Config;
	activity: ActivityLog;
	logger: Logger;
	/** What /api and attached TUIs see of the instance. */
	instance?: InstanceControl;
	/** First contact from a CRM origin not allowed yet: the agent is asked in the TUI. */
	originRequests?: OriginRequests;
}): Promise<LocalApi> {
	const listening = await listenServer(createServer(deps), {...deps, port: deps.config().server.port});
	if (listening.error) return {ok: false, message: listening.error.message};
	return {ok: true, port: listening.port, close: listening.close};
}
