// /api — the JSON API for scripts and attached TUIs (ctidesk attach, stop, events): describe
// the instance, run any session command, stop the instance, open a link. Never for web pages:
// a request carrying any browser marker is refused whatever the allowed origins, and a POST
// must be `Content-Type: application/json`, which a cross-site form cannot send without a
// CORS preflight (refused here too). Commands take the same path as the CGI routes and the
// keys: validated at the edge, then `store.run`, so there is one way of doing each thing.
// The routes run in Koa with @koa/router; the front handler (create-server.ts) has already run
// the guards and lends them the request's exchange, through which every answer is written.
import Router from '@koa/router';
import Koa, {type Context} from 'koa';
import type {ServerDeps} from '../action.js';
import {parseCommandBody} from '../command-schema.js';
import {exchangeOf, header, type Exchange} from '../exchange.js';
import {mediaType, readBody} from '../read-params.js';
import {failure, replyFailure, sendJson, type Failure} from '../reply.js';
import {limits, printable, type Parsed} from '../validate.js';

export const apiPrefix = '/api';

export const isApiPath = (path: string) => path === apiPrefix || path.startsWith(`${apiPrefix}/`);

/** Headers only a browser sends: any one of them means a web page is asking. */
const browserMarkers = ['origin', 'referer', 'sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest'];

/**
 * Runs before the general guard so a CORS preflight to /api is refused rather than answered
 * for an allowed CRM origin. The peer, Host and method rules still run after it. Returns false
 * when it answered (refused) the request.
 */
export function refuseBrowsers(exchange: Exchange): boolean {
	const marker = browserMarkers.find((name) => header(exchange, name) !== '');
	if (!marker && exchange.req.method !== 'OPTIONS') return true;
	replyFailure(
		exchange,
		failure('forbidden', `The ${apiPrefix} routes are for scripts and attached TUIs, not web pages (${marker ? `${marker} header` : 'CORS preflight'}): use /cgi-bin/.`),
		true,
	);
	return false;
}

const ok = {status: 200, code: 'ok'} as const;

function replyJson(exchange: Exchange, message: string, body: Record<string, unknown>) {
	sendJson(exchange, {...ok, message}, body);
}

const refuse = (exchange: Exchange, outcome: Failure) => replyFailure(exchange, outcome, true);

async function readJson(exchange: Exchange): Promise<Parsed<unknown>> {
	if (exchange.query !== '') return {ok: false, message: `The ${apiPrefix} routes take no query parameters: send them in the JSON body.`};
	if (mediaType(exchange) !== 'application/json') return {ok: false, message: 'unsupported'};
	const body = await readBody(exchange, limits.queryBytes);
	if (!body.ok) return {ok: false, message: 'too-large'};
	try {
		return {ok: true, value: JSON.parse(new TextDecoder('utf-8', {fatal: true}).decode(body.bytes)) as unknown};
	} catch {
		return {ok: false, message: 'The body is not valid UTF-8 JSON.'};
	}
}

const refused = Symbol('refused');

/** The JSON body of a POST, or the refusal already sent. */
async function body(exchange: Exchange): Promise<unknown> {
	const read = await readJson(exchange);
	if (read.ok) return read.value;
	if (read.message === 'unsupported') {
		exchange.responseHeaders.push('Connection', 'close');
		refuse(exchange, failure('unsupported-media-type', `POST to ${apiPrefix} with Content-Type: application/json.`));
	} else if (read.message === 'too-large') {
		// The rest of the body is not read: close rather than parse it as the next request.
		exchange.responseHeaders.push('Connection', 'close');
		refuse(exchange, failure('too-large', `The request body is larger than ${limits.queryBytes} bytes.`));
	} else {
		refuse(exchange, failure('bad-input', read.message));
	}
	return refused;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{logout: boolean}` and nothing else. */
function parseShutdown(value: unknown): Parsed<boolean> {
	if (!isPlainObject(value) || Object.keys(value).some((key) => key !== 'logout') || typeof value['logout'] !== 'boolean') {
		return {ok: false, message: 'The body must be {"logout": true} or {"logout": false}.'};
	}
	return {ok: true, value: value['logout']};
}

/** `{url}`: an absolute http(s) URL without credentials, as a browser would be given. */
export function parseLink(value: unknown): Parsed<string> {
	if (!isPlainObject(value) || Object.keys(value).some((key) => key !== 'url') || typeof value['url'] !== 'string') {
		return {ok: false, message: 'The body must be {"url": "https://…"}.'};
	}
	const raw = value['url'];
	if (raw.length > limits.url) return {ok: false, message: `url is longer than ${limits.url} characters.`};
	if (!/^https?:\/\/[^/\\?#@\s]/i.test(raw) || /[\s\\]/.test(raw) || !URL.canParse(raw)) {
		return {ok: false, message: 'url must be an absolute http:// or https:// URL.'};
	}
	const url = new URL(raw);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return {ok: false, message: 'url must be an absolute http:// or https:// URL.'};
	if (url.username !== '' || url.password !== '') return {ok: false, message: 'url must not contain a user name or password.'};
	return {ok: true, value: url.href};
}

const noInstance = () => failure('not-supported', 'This local API does not control a ctidesk instance.');

const on = (ctx: Context) => exchangeOf(ctx.req);

export function apiRouter(deps: ServerDeps): Router {
	const router = new Router({prefix: apiPrefix});

	router.get('/instance', (ctx) => {
		const exchange = on(ctx);
		if (exchange.query !== '') return refuse(exchange, failure('bad-input', `The ${apiPrefix} routes take no query parameters.`));
		if (!deps.instance) return refuse(exchange, noInstance());
		replyJson(exchange, 'Instance described', {ok: true, ...deps.instance.describe()});
	});

	router.post('/command', async (ctx) => {
		const exchange = on(ctx);
		const value = await body(exchange);
		if (value === refused) return;
		const command = parseCommandBody(value, deps.config);
		if (!command.ok) return refuse(exchange, failure('bad-input', command.message));
		// The Events tab line names the command, never its values (a login carries a password).
		exchange.params = new Map([['command', command.value.type]]);
		const result = await deps.store.run(command.value);
		if (!result.ok) return refuse(exchange, failure(result.code, result.message));
		replyJson(exchange, `${command.value.type} done`, {ok: true, seq: deps.store.getSnapshot().seq});
	});

	router.post('/shutdown', async (ctx) => {
		const exchange = on(ctx);
		const value = await body(exchange);
		if (value === refused) return;
		const logout = parseShutdown(value);
		if (!logout.ok) return refuse(exchange, failure('bad-input', logout.message));
		const instance = deps.instance;
		if (!instance) return refuse(exchange, noInstance());
		replyJson(exchange, logout.value ? 'Stopping (logging out first)' : 'Stopping', {ok: true});
		// Answer first: the stop closes this server, and the caller wants to know it was heard.
		// 'close' follows the end of the response, and also comes when the caller hung up early.
		exchange.res.once('close', () => instance.shutdown(logout.value));
	});

	router.post('/open-link', async (ctx) => {
		const exchange = on(ctx);
		const value = await body(exchange);
		if (value === refused) return;
		const link = parseLink(value);
		if (!link.ok) return refuse(exchange, failure('bad-input', link.message));
		if (!deps.instance) return refuse(exchange, noInstance());
		exchange.params = new Map([['url', link.value]]);
		await deps.instance.openLink(link.value);
		replyJson(exchange, `Opened ${printable(link.value, 80)}`, {ok: true});
	});

	return router;
}

const methods: Record<string, string> = {
	[`${apiPrefix}/instance`]: 'GET',
	[`${apiPrefix}/command`]: 'POST',
	[`${apiPrefix}/shutdown`]: 'POST',
	[`${apiPrefix}/open-link`]: 'POST',
};

/**
 * The /api routes as a Koa app for requests the front handler has guarded. Answers are written
 * on the exchange, never by Koa (`ctx.respond = false`); anything under /api without a route
 * gets a JSON answer, not the /cgi-bin hint. A route that throws goes to `fail`, never to
 * Koa's own error page.
 */
export function createApiApp(deps: ServerDeps, fail: (exchange: Exchange, error: unknown) => void): Koa {
	const app = new Koa();
	app.silent = true;
	const routes = apiRouter(deps).routes();
	app.use(async (ctx) => {
		ctx.respond = false;
		const exchange = on(ctx);
		try {
			await routes(ctx as Parameters<typeof routes>[0], async () => undefined);
		} catch (error) {
			return fail(exchange, error);
		}
		if (exchange.outcome) return;
		const method = methods[exchange.path];
		if (method) {
			exchange.responseHeaders.push('Allow', method);
			return refuse(exchange, failure('method-not-allowed', `Use ${method} for ${exchange.path}.`));
		}
		refuse(exchange, failure('not-found', `No such API route: ${printable(exchange.path, 60)}. Routes: ${Object.keys(methods).join(', ')}.`));
	});
	return app;
}
