// The shape every action route shares: validated parameters → at most one session command →
// a reply. A route only says how its parameters become a command and what success reads like.
import type {Config} from '../config/schema.js';
import type {Command, SessionState} from '../core/types.js';
import type {SessionStore} from '../session/session-store.js';
import type {ActivityLog} from '../session/activity-log.js';
import type {Logger} from '../logger.js';
import type {Capabilities} from '../cti/driver.js';
import type {DeskSettings, ExternalSource, PopsView} from '../ui/desk.js';
import {allowedOrigins, type PeerCheck} from './guard.js';
import type {Handler} from './cgi-router.js';
import {failure, replyFailure, replySuccess, type Failure} from './reply.js';
import {parseRedirect, type Params, type Parsed} from './validate.js';

export interface ServerDeps {
	store: SessionStore;
	config: Config;
	activity: ActivityLog;
	logger?: Logger;
	/** Replaces the same-user check of SPEC section 9 (peer-user.ts, from config.server) in tests. */
	peerCheck?: PeerCheck;
	/** The running instance behind /api and the WebSocket's pops messages; absent in bare server tests. */
	instance?: InstanceControl;
}

/** What an attached TUI learns of the instance (remote-desk.ts `InstanceDescription`, without `ok`). */
export interface InstanceFacts {
	pid: number;
	version: string;
	configFile: string;
	capabilities: Capabilities;
	settings: DeskSettings;
}

/** The app's side of /api: who it is, how it stops, how it opens a link, what its pops show. */
export interface InstanceControl {
	describe(): InstanceFacts;
	/** Called after the answer went out: stop the instance, logging the agent out first when `logout`. */
	shutdown(logout: boolean): void;
	openLink(url: string): Promise<void>;
	pops: ExternalSource<PopsView>;
}

/** A route's decision: run `command` (or nothing, when the goal is already reached) and say `message`. */
export type Plan = {ok: true; command: Command | null; message: string} | Failure;

export type Planner = (params: Params, state: SessionState, deps: ServerDeps) => Plan | Promise<Plan>;

export function badInput(parsed: Extract<Parsed<unknown>, {ok: false}>): Failure {
	return failure('bad-input', parsed.message);
}

export function action(deps: ServerDeps, plan: Planner): Handler {
	return async (exchange) => {
		const params = exchange.params ?? new Map<string, string>();
		// The redirect target is checked first: a bad url= must change nothing.
		const url = parseRedirect(params.get('url'), allowedOrigins(deps.config));
		if (!url.ok) return replyFailure(exchange, badInput(url));
		const decided = await plan(params, deps.store.getSnapshot(), deps);
		if (!decided.ok) return replyFailure(exchange, decided);
		if (decided.command) {
			const result = await deps.store.run(decided.command);
			if (!result.ok) return replyFailure(exchange, failure(result.code, result.message));
		}
		replySuccess(exchange, {message: decided.message, url: url.value, seq: deps.store.getSnapshot().seq});
	};
}
