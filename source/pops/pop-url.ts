// Pop and home URLs: the parameter names here are a compatibility contract with existing CRMs
// (SPEC section 5, the original's section 3), and this is the only file that spells them.
//
// Encoding choice: every appended value goes through encodeURIComponent, so a space is %20 and
// '+' is %2B (never a bare '+', which a CRM would read back as a space: +8613800138000 must stay
// a plus). CRMs decode %20 and '+' alike, so %20 is the safe spelling of a space.
//
// The configured URL is kept as written: its own query parameters are not re-encoded and its
// fragment stays at the end. When it already carries one of the names this file appends, that
// pair is removed and ctidesk's value goes in its place at the end (a CRM reading the first or
// the last occurrence would otherwise disagree about which call this is).
import type {LoginParams} from '../config/schema.js';
import type {Call} from '../core/types.js';

/** What the nine parameters are read from: a live Call, or a finished CallRecord (the wrapup pop). */
export type PopCall = Pick<Call, 'origin' | 'callId' | 'number' | 'callerId' | 'calledId' | 'groupId' | 'agentId' | 'empId'>;

/** The nine pop parameters, in the order the original lists them, with where each value comes from. */
const popParameterTable = [
	['origin', (call: PopCall) => String(call.origin)],
	['callid', (call: PopCall) => call.callId],
	['number', (call: PopCall) => call.number],
	['callerid', (call: PopCall) => call.callerId],
	['calledid', (call: PopCall) => call.calledId],
	['groupid', (call: PopCall) => call.groupId],
	['agentid', (call: PopCall) => call.agentId],
	['empid', (call: PopCall) => call.empId],
	// Before login there is no session; an empty value keeps the shape the CRM parses.
	['sid', (_call: PopCall, sid: string | null) => sid ?? ''],
] as const;

/** The wrapup pop's two extra parameters (SPEC section 9), appended after the nine. */
export interface WrapUpParameters {
	disposition: string;
	/** null or '' = no note: sent as an empty `note=` so the CRM always finds both names. */
	note: string | null;
}

export type PopParameterName = (typeof popParameterTable)[number][0];

/** The names of the nine parameters, in order. */
export const popParameterNames: readonly PopParameterName[] = popParameterTable.map(([name]) => name);

/** The values of the nine parameters for one call, in order. */
export function popParameters(call: PopCall, sid: string | null): Array<[PopParameterName, string]> {
	return popParameterTable.map(([name, value]) => [name, value(call, sid)]);
}

/**
 * A pop URL: the configured URL with the nine call parameters appended (replacing any of the
 * same name); for the wrapup pop, `disposition` and `note` follow them.
 */
export function buildPopUrl(template: string, call: PopCall, sid: string | null, wrapUp?: WrapUpParameters): string {
	const parameters: Array<readonly [string, string]> = popParameters(call, sid);
	if (wrapUp) parameters.push(['disposition', wrapUp.disposition], ['note', wrapUp.note ?? '']);
	return appendParameters(template, parameters);
}

export type {LoginParams};

/** Who is logged in, as the home URL needs it. */
export interface HomeAgent {
	/** The agent's login user id (what login.cgi's `user=` takes; the legacy form's `user`). */
	user: string;
	/** The employee id (工号): the `user` of the home URL after login. */
	empId: string;
	agentId: string;
	sid: string;
}

export interface HomeUrlOptions {
	loginParams: LoginParams;
	/** The legacy form's `password` value: the agent's login token (config/password.ts loginToken), never the password. */
	token: string | null;
}

/**
 * The home URL: bare before login (agent null); after login with `user` and `sid`, or in the
 * legacy form with `agentid`, `user` and `password` (the login token).
 *
 * After login, `user` is the employee id: the original's section 3 names the two parameters
 * "工号user" (employee-id user) and sid, with the example `user=001&sid=…`. The legacy form is the
 * original's section 2 example, `agentid=1&user=101&password=…`, where `user` is the login user.
 */
export function buildHomeUrl(template: string, agent: HomeAgent | null, options: HomeUrlOptions): string {
	if (!agent) return template;
	if (options.loginParams === 'legacy') {
		return appendParameters(template, [
			['agentid', agent.agentId],
			['user', agent.user],
			['password', options.token ?? ''],
		]);
	}
	return appendParameters(template, [
		['user', agent.empId],
		['sid', agent.sid],
	]);
}

const secretNames = new Set(['sid', 'password']);

/** The URL with the values of `sid` and `password` masked, for the TUI and the log. */
export function maskUrlSecrets(url: string): string {
	const {base, query, fragment} = splitUrl(url);
	if (query === null) return url;
	const masked = query
		.split('&')
		.map((pair) => {
			const name = decodeName(pair.split('=', 1)[0] ?? '');
			return secretNames.has(name) && pair.includes('=') ? `${pair.slice(0, pair.indexOf('='))}=***` : pair;
		})
		.join('&');
	return `${base}?${masked}${fragment}`;
}

/** The call id a pop URL carries, or null (used to group journal entries without re-deriving). */
export function popCallId(url: string): string | null {
	const {query} = splitUrl(url);
	if (query === null) return null;
	for (const pair of query.split('&')) {
		const eq = pair.indexOf('=');
		if (eq > 0 && decodeName(pair.slice(0, eq)) === 'callid') return decodeName(pair.slice(eq + 1));
	}
	return null;
}

function appendParameters(template: string, parameters: ReadonlyArray<readonly [string, string]>): string {
	const {base, query, fragment} = splitUrl(template);
	const ours = new Set(parameters.map(([name]) => name));
	const kept = (query ?? '')
		.split('&')
		.filter((pair) => pair !== '' && !ours.has(decodeName(pair.split('=', 1)[0] ?? '')));
	const added = parameters.map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
	return `${base}?${[...kept, ...added].join('&')}${fragment}`;
}

function splitUrl(url: string): {base: string; query: string | null; fragment: string} {
	const hash = url.indexOf('#');
	const fragment = hash === -1 ? '' : url.slice(hash);
	const beforeHash = hash === -1 ? url : url.slice(0, hash);
	const question = beforeHash.indexOf('?');
	if (question === -1) return {base: beforeHash, query: null, fragment};
	return {base: beforeHash.slice(0, question), query: beforeHash.slice(question + 1), fragment};
}

/** Form-style decoding of a name or value ('+' is a space); a malformed escape is kept as written. */
function decodeName(raw: string): string {
	const spaced = raw.replaceAll('+', ' ');
	try {
		return decodeURIComponent(spaced);
	} catch {
		return spaced;
	}
}
