// /cgi-bin: the seed's contract (SPEC sections 4 and 6: login.cgi, call.cgi, transfer.cgi) and
// ctidesk's own verbs in the same style (routes/agent.ts). Paths and parameter names are what
// existing CRM pages hard-code: keep them exactly. Every route answers GET and POST, reads its
// parameters strictly (strictParams runs for matched routes only, so an unknown path is a 404
// whatever its query), and answers HTML to a browser and JSON to a script.
import Router from '@koa/router';
import {findAgent, verifyLoginSecret} from '../../config/password.js';
import {action, badInput, type Planner, type ServerDeps} from '../action.js';
import type {LocalState} from '../answer.js';
import {failure} from '../answer.js';
import {strictParams} from '../middleware/strict-params.js';
import {limits, parseNumber, parseText, parseTransferAction, parseMode} from '../validate.js';
import {agentRoutes} from './agent.js';

export const cgiPrefix = '/cgi-bin';

/**
 * login.cgi?user=&pass=&url= — the business system logged the agent in and sends the browser
 * here. CRMs redirect here on every CRM login, so "already logged in as this user" with the
 * right secret is a success that changes nothing; another user's session is never replaced.
 */
export const planLogin: Planner = (params, state, config) => {
	const user = parseText(params.get('user'), 'user', limits.user);
	if (!user.ok) return badInput(user);
	const pass = parseText(params.get('pass'), 'pass', limits.pass);
	if (!pass.ok) return badInput(pass);
	const identity = state.agent.identity;
	if (!identity) return {ok: true, command: {type: 'login', user: user.value, password: pass.value}, message: `Logged in as ${user.value}`};
	// Logged in already: the session would refuse a second login, so check the secret here to
	// tell "wrong password" (401) from "someone else is logged in" (409) and "already done".
	const entry = findAgent(config, user.value);
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

/**
 * transfer.cgi?number=[&mode=blind|consult] transfers or starts a consult (the seed's meaning);
 * transfer.cgi?action=complete|cancel|conference finishes the consult in progress.
 */
export const planTransfer: Planner = (params, state) => {
	const verb = parseTransferAction(params.get('action'));
	if (!verb.ok) return badInput(verb);
	if (verb.value !== null) {
		for (const name of ['number', 'mode']) {
			if (params.has(name)) return failure('bad-input', `Parameter ${name} is not used with action=${verb.value}.`);
		}
		const target = state.call?.consult?.target ?? '';
		if (verb.value === 'complete') return {ok: true, command: {type: 'complete-transfer'}, message: `Transferred to ${target}`};
		if (verb.value === 'cancel') return {ok: true, command: {type: 'cancel-transfer'}, message: 'Consult cancelled: back with the customer'};
		return {ok: true, command: {type: 'conference'}, message: `Three-way call with ${target}`};
	}
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

export function cgiRouter(deps: ServerDeps): Router<LocalState> {
	const router = new Router<LocalState>({prefix: cgiPrefix});
	router.use(strictParams);
	for (const [path, plan] of [
		['/login.cgi', planLogin],
		['/call.cgi', planCall],
		['/transfer.cgi', planTransfer],
	] as const) {
		const handler = action(deps, plan);
		router.get(path, handler).post(path, handler);
	}
	agentRoutes(router, deps);
	return router;
}
