// ctidesk's own verbs in the seed's style (SPEC section 6): logout, ready, away, answer,
// hangup, hold and status. Each is one session command; the session says whether it is
// allowed now, so these only validate parameters.
import type Router from '@koa/router';
import type {Middleware} from 'koa';
import {toStatusJson} from '../../core/status.js';
import {action, badInput, type Planner, type ServerDeps} from '../action.js';
import {answerPage, type LocalState} from '../answer.js';
import {renderStatusPage} from '../pages.js';
import {parseOn, parseReason} from '../validate.js';

export const planLogout: Planner = () => ({ok: true, command: {type: 'logout'}, message: 'Logged out'});

export const planReady: Planner = () => ({ok: true, command: {type: 'ready'}, message: 'Ready'});

export const planAway: Planner = (params, _state, config) => {
	const reason = parseReason(params.get('reason'), config.reasons);
	if (!reason.ok) return badInput(reason);
	return {ok: true, command: {type: 'away', reason: reason.value}, message: `Not ready (${reason.value})`};
};

export const planAnswer: Planner = () => ({ok: true, command: {type: 'answer'}, message: 'Answered'});

/** During a consult the session ends the consult leg only: the held customer is never dropped. */
export const planHangup: Planner = (_params, state) =>
	state.call?.consult
		? {ok: true, command: {type: 'hangup'}, message: 'Consult ended: back with the customer'}
		: {ok: true, command: {type: 'hangup'}, message: 'Hung up'};

/** hold.cgi toggles; `on=1` holds and `on=0` resumes whatever the current state. */
export const planHold: Planner = (params, state) => {
	const on = parseOn(params.get('on'));
	if (!on.ok) return badInput(on);
	const hold = on.value ?? state.agent.state !== 'held';
	return hold
		? {ok: true, command: {type: 'hold'}, message: 'Call on hold'}
		: {ok: true, command: {type: 'unhold'}, message: 'Call resumed'};
};

/** Adds the routes to the router mounted at /cgi-bin. */
export function agentRoutes(router: Router<LocalState>, deps: ServerDeps): Router<LocalState> {
	for (const [path, plan] of [
		['/logout.cgi', planLogout],
		['/ready.cgi', planReady],
		['/away.cgi', planAway],
		['/answer.cgi', planAnswer],
		['/hangup.cgi', planHangup],
		['/hold.cgi', planHold],
	] as const) {
		const handler = action(deps, plan);
		router.get(path, handler).post(path, handler);
	}
	const status: Middleware<LocalState> = (ctx) => {
		const snapshot = toStatusJson(deps.store.getSnapshot());
		answerPage(ctx, `Status: ${snapshot.agent.state}`, () => renderStatusPage(snapshot), () => snapshot);
	};
	router.get('/status.cgi', status).post('/status.cgi', status);
	return router;
}
