// The seed's contract (SPEC sections 4 and 6): login.cgi, call.cgi, transfer.cgi. Paths and
// parameter names are what existing CRM pages hard-code: keep them exactly.
import {findAgent, verifyLoginSecret} from '../../config/password.js';
import type {CgiRouter} from '../cgi-router.js';
import {action, badInput, type Planner, type ServerDeps} from '../action.js';
import {failure} from '../reply.js';
import {limits, parseMode, parseNumber, parseText} from '../validate.js';

/**
 * login.cgi?user=&pass=&url= — the business system logged the agent in and sends the browser
 * here. CRMs redirect here on every CRM login, so "already logged in as this user" with the
 * right secret is a success that changes nothing; another user's session is never replaced.
 */
export const planLogin: Planner = (params, state, deps) => {
	const user = parseText(params.get('user'), 'user', limits.user);
	if (!user.ok) return badInput(user);
	const pass = parseText(params.get('pass'), 'pass', limits.pass);
	if (!pass.ok) return badInput(pass);
	const identity = state.agent.identity;
	if (!identity) return {ok: true, command: {type: 'login', user: user.value, password: pass.value}, message: `Logged in as ${user.value}`};
	// Logged in already: the session would refuse a second login, so check the secret here to
	// tell "wrong password" (401) from "someone else is logged in" (409) and "already done".
	const entry = findAgent(deps.config, user.value);
	if (!entry || !verifyLoginSecret(pass.value, entry)) return failure('auth-failed', 'Wrong user or password.');
	if (identity.user !== user.value) {
		return failure('not-allowed', `Agent ${identity.user} is logged in on this desk: log out first.`);
	}
	return {ok: true, command: null, message: `Already logged in as ${user.value}`};
};

export const planCall: Planner = (params) => {
	const number = parseNumber(params.get('number'));
	if (!number.ok) return badInput(number);
	return {ok: true, command: {type: 'dial', number: number.value}, message: `Calling ${number.value}…`};
};

export const planTransfer: Planner = (params) => {
	const number = parseNumber(params.get('number'));
	if (!number.ok) return badInput(number);
	const mode = parseMode(params.get('mode'));
	if (!mode.ok) return badInput(mode);
	return {
		ok: true,
		command: {type: 'transfer', target: number.value, mode: mode.value},
		message: mode.value === 'blind' ? `Transferred to ${number.value}` : `Consulting ${number.value}…`,
	};
};

/** Adds the routes to a router mounted at /cgi-bin. */
export function cgiRoutes(router: CgiRouter, deps: ServerDeps): CgiRouter {
	for (const [path, plan] of [
		['/login.cgi', planLogin],
		['/call.cgi', planCall],
		['/transfer.cgi', planTransfer],
	] as const) {
		const handler = action(deps, plan);
		router.get(path, handler).post(path, handler);
	}
	return router;
}
