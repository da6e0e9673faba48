// The shape every action route shares: validated parameters → at most one session command →
// a reply. A route only says how its parameters become a command and what success reads like.
import type {Config} from '../config/schema.js';
import type {Command, SessionState} from '../core/types.js';
import type {SessionStore} from '../session/session-store.js';
import type {ActivityLog} from '../session/activity-log.js';
import type {Logger} from '../logger.js';
import type {Capabilities} from '../cti/driver.js';
import type {DeskSettings, ExternalSource, PopsView} from '../core/desk.js';
import type {Middleware} from 'koa';
import {answerFailure, answerSuccess, failure, type LocalState, type Outcome} from './answer.js';
import {allowedOrigins, type PeerCheck} from './guard.js';
import type {OriginRequests} from './origin-requests.js';
import {parseRedirect, type Params, type Parsed} from './validate.js';

export interface ServerDeps {
	store: SessionStore;
	/** The config as saved right now: read at each request, so saved settings apply at once. */
	config: () => Config;
	activity: ActivityLog;
	logger?: Logger;
	/** Replaces the same-user check of SPEC section 9 (peer-user.ts, from config.server) in tests. */
	peerCheck?: PeerCheck;
	/** The running instance behind /api and the WebSocket's pops messages; absent in bare server tests. */
	instance?: InstanceControl;
	/** First contact from an origin not allowed yet: ask the agent (absent: refuse, as headless). */
	originRequests?: OriginRequests;
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
	/** The TUI's settings as saved (attached TUIs get each change); absent: they never change. */
	settings?: ExternalSource<DeskSettings>;
}

/** A route's decision: run `command` (or nothing, when the goal is already reached) and say `message`. */
export type Plan = {ok: true; command: Command | null; message: string} | (Outcome & {ok?: false});

export type Planner = (params: Params, state: SessionState, config: Config) => Plan;

export function badInput(parsed: Extract<Parsed<unknown>, {ok: false}>): Outcome {
	return failure('bad-input', parsed.message);
}

/** The route handler for a planner: validated parameters → at most one command → the answer. */
export function action(deps: ServerDeps, plan: Planner): Middleware<LocalState> {
	return async function act(ctx) {
		const params = ctx.state.params ?? new Map<string, string>();
		const config = deps.config();
		// The redirect target is checked first: a bad url= must change nothing.
		const granted = ctx.state.grantedOrigin;
		const allowed = allowedOrigins(config);
		const url = parseRedirect(params.get('url'), granted === undefined || allowed.has(granted) ? allowed : new Set([...allowed, granted]));
		if (!url.ok) return answerFailure(ctx, badInput(url));
		const decided = await plan(params, deps.store.getSnapshot(), config);
		if (decided.ok !== true) return answerFailure(ctx, decided);
		if (decided.command) {
			const result = await deps.store.run(decided.command);
			if (!result.ok) return answerFailure(ctx, failure(result.code, result.message));
		}
		answerSuccess(ctx, {message: decided.message, url: url.value, seq: deps.store.getSnapshot().seq});
	};
}
