// Which page is asking (guard.ts has the rules): /api never serves a web page; a CORS or Private
// Network Access preflight is refused unless its origin is allowed (the allowed ones are then
// answered by @koa/cors, next in the chain); only GET and POST; a request marked cross-site
// must come from an allowed origin; browsers' prefetch and prerender never act.
import cors from '@koa/cors';
import type {Middleware} from 'koa';
import {answerFailure, failure, type LocalContext, type LocalState} from '../answer.js';
import {checkPurpose, checkSite, type Verdict} from '../guard.js';
import {isApiPath} from '../routes/api.js';
import {printable} from '../validate.js';

/** Headers only a browser sends: any one of them means a web page is asking. */
const browserMarkers = ['origin', 'referer', 'sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest'];

/** The origins allowed right now (they change when the settings are saved). */
export type AllowedOrigins = () => ReadonlySet<string>;

/**
 * A second opinion on a request refused for its site (first-contact.ts asks the agent): a
 * verdict of its own, or null to keep the refusal.
 */
export type SiteRefusal = (ctx: LocalContext, claimed: string | null) => Promise<Verdict | null>;

function refuse(ctx: LocalContext, verdict: Extract<Verdict, {ok: false}>, json?: boolean) {
	answerFailure(ctx, failure(verdict.status === 400 ? 'bad-input' : 'forbidden', verdict.message), json);
}

/** What a preflight must not get (an origin not allowed, another method); ok when @koa/cors may answer it. */
function checkPreflight(ctx: LocalContext, allowed: ReadonlySet<string>): Verdict {
	const origin = ctx.get('origin');
	const method = ctx.get('access-control-request-method');
	if (!origin || !allowed.has(origin)) {
		return {
			ok: false,
			status: 403,
			message: `Origin ${printable(origin || '(none)', 80)} is not allowed to call the local API: add it to server.allowedOrigins.`,
		};
	}
	if (method !== 'GET' && method !== 'POST') return {ok: false, status: 403, message: 'Only GET and POST are allowed.'};
	return {ok: true};
}

export function guardSite(allowedOrigins: AllowedOrigins, onRefusal?: SiteRefusal): Middleware<LocalState> {
	return async function guardSite(ctx, next) {
		if (isApiPath(ctx.path)) {
			const marker = browserMarkers.find((name) => ctx.get(name) !== '');
			if (marker || ctx.method === 'OPTIONS') {
				const why = marker ? `${marker} header` : 'CORS preflight';
				return refuse(ctx, {ok: false, status: 403, message: `The /api routes are for scripts and attached TUIs, not web pages (${why}): use /cgi-bin/.`}, true);
			}
		}
		const allowed = allowedOrigins();
		if (ctx.method === 'OPTIONS') {
			const preflight = checkPreflight(ctx, allowed);
			if (!preflight.ok) return refuse(ctx, preflight);
			ctx.state.outcome = {status: 204, code: 'ok', message: 'CORS preflight allowed'};
			return next();
		}
		if (ctx.method !== 'GET' && ctx.method !== 'POST') {
			return answerFailure(ctx, failure('method-not-allowed', `Method ${printable(ctx.method)} is not allowed: use GET or POST.`));
		}
		// Speculative loads first: a prefetch must not even ask the agent (below).
		const purpose = checkPurpose(ctx.headers);
		if (!purpose.ok) return refuse(ctx, purpose);
		const site = checkSite(ctx.headers, allowed, ctx.socket.localPort ?? 0);
		if (!site.verdict.ok) {
			const second = (await onRefusal?.(ctx, site.claimed)) ?? site.verdict;
			if (!second.ok) return refuse(ctx, second);
			// Allowed by the agent: the page's own origin is then a valid url= for this request too.
			if (site.claimed !== null) ctx.state.grantedOrigin = site.claimed;
		}
		await next();
	};
}

/**
 * CORS for the allowed origins, with the exact origin echoed (never `*`), and the Private
 * Network Access answer Chrome asks for before a public page may reach localhost.
 */
export function corsForAllowed(allowedOrigins: AllowedOrigins): Middleware<LocalState> {
	return cors({
		origin: (ctx) => {
			const origin = ctx.get('origin');
			return allowedOrigins().has(origin) ? origin : '';
		},
		allowMethods: 'GET, POST',
		allowHeaders: 'Accept, Content-Type',
		maxAge: 600,
		privateNetworkAccess: true,
	}) as Middleware<LocalState>;
}
