// /api — the JSON API for scripts and attached TUIs (ctidesk attach, stop, events): describe
// the instance, run any session command, stop the instance, open a link. Never for web pages:
// a request carrying any browser marker is refused whatever the allowed origins, and a POST
// must be `Content-Type: application/json`, which a cross-site form cannot send without a
// CORS preflight (refused here too). Commands take the same path as the CGI routes and the
// keys: validated at the edge, then `store.run`, so there is one way of doing each thing.
import Router from '@koa/router';
import type {Context, Middleware} from 'koa';
import type {ServerDeps} from '../action.js';
import {parseCommandBody} from '../command-schema.js';
import {failure, replyFailure, sendJson, stateOf, type Failure} from '../reply.js';
import {limits, printable, type Parsed} from '../validate.js';

export const apiPrefix = '/api';

const isApiPath = (path: string) => path === apiPrefix || path.startsWith(`${apiPrefix}/`);

/** Headers only a browser sends: any one of them means a web page is asking. */
const browserMarkers = ['origin', 'referer', 'sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest'];

/**
 * Runs before the general guard so a CORS preflight to /api is refused rather than answered
 * for an allowed CRM origin. The peer, Host and method rules still run after it.
 */
export function guardApi(): Middleware {
	return function guardApi(ctx, next) {
		if (!isApiPath(ctx.path)) return next();
		const marker = browserMarkers.find((name) => ctx.get(name) !== '');
		if (marker || ctx.method === 'OPTIONS') {
			return replyFailure(
				ctx,
				failure('forbidden', `The ${apiPrefix} routes are for scripts and attached TUIs, not web pages (${marker ? `${marker} header` : 'CORS preflight'}): use /cgi-bin/.`),
				true,
			);
		}
		return next();
	};
}

function replyJson(ctx: Context, message: string, body: Record<string, unknown>) {
	stateOf(ctx).outcome = {status: 200, code: 'ok', message};
	ctx.status = 200;
	sendJson(ctx, body);
}

const refuse = (ctx: Context, outcome: Failure) => replyFailure(ctx, outcome, true);

async function readJson(ctx: Context): Promise<Parsed<unknown>> {
	if (ctx.querystring !== '') return {ok: false, message: `The ${apiPrefix} routes take no query parameters: send them in the JSON body.`};
	const type = ctx.get('Content-Type').split(';')[0]!.trim().toLowerCase();
	if (type !== 'application/json') return {ok: false, message: 'unsupported'};
	const declared = ctx.request.length;
	if (Number.isFinite(declared) && declared > limits.queryBytes) return {ok: false, message: 'too-large'};
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > limits.queryBytes) return {ok: false, message: 'too-large'};
		chunks.push(chunk);
	}
	try {
		return {ok: true, value: JSON.parse(new TextDecoder('utf-8', {fatal: true}).decode(Buffer.concat(chunks))) as unknown};
	} catch {
		return {ok: false, message: 'The body is not valid UTF-8 JSON.'};
	}
}

const refused = Symbol('refused');

/** The JSON body of a POST, or the refusal already sent. */
async function body(ctx: Context): Promise<unknown> {
	const read = await readJson(ctx);
	if (read.ok) return read.value;
	if (read.message === 'unsupported') {
		ctx.set('Connection', 'close');
		refuse(ctx, failure('unsupported-media-type', `POST to ${apiPrefix} with Content-Type: application/json.`));
	} else if (read.message === 'too-large') {
		// The rest of the body is not read: close rather than parse it as the next request.
		ctx.set('Connection', 'close');
		refuse(ctx, failure('too-large', `The request body is larger than ${limits.queryBytes} bytes.`));
	} else {
		refuse(ctx, failure('bad-input', read.message));
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

export function apiRouter(deps: ServerDeps): Router {
	const router = new Router({prefix: apiPrefix});

	router.get('/instance', (ctx) => {
		if (ctx.querystring !== '') return refuse(ctx, failure('bad-input', `The ${apiPrefix} routes take no query parameters.`));
		if (!deps.instance) return refuse(ctx, noInstance());
		replyJson(ctx, 'Instance described', {ok: true, ...deps.instance.describe()});
	});

	router.post('/command', async (ctx) => {
		const value = await body(ctx);
		if (value === refused) return;
		const command = parseCommandBody(value, deps.config);
		if (!command.ok) return refuse(ctx, failure('bad-input', command.message));
		// The Events tab line names the command, never its values (a login carries a password).
		stateOf(ctx).params = new Map([['command', command.value.type]]);
		const result = await deps.store.run(command.value);
		if (!result.ok) return refuse(ctx, failure(result.code, result.message));
		replyJson(ctx, `${command.value.type} done`, {ok: true, seq: deps.store.getSnapshot().seq});
	});

	router.post('/shutdown', async (ctx) => {
		const value = await body(ctx);
		if (value === refused) return;
		const logout = parseShutdown(value);
		if (!logout.ok) return refuse(ctx, failure('bad-input', logout.message));
		const instance = deps.instance;
		if (!instance) return refuse(ctx, noInstance());
		replyJson(ctx, logout.value ? 'Stopping (logging out first)' : 'Stopping', {ok: true});
		// Answer first: the stop closes this server, and the caller wants to know it was heard.
		// 'close' follows the end of the response, and also comes when the caller hung up early.
		ctx.res.once('close', () => instance.shutdown(logout.value));
	});

	router.post('/open-link', async (ctx) => {
		const value = await body(ctx);
		if (value === refused) return;
		const link = parseLink(value);
		if (!link.ok) return refuse(ctx, failure('bad-input', link.message));
		if (!deps.instance) return refuse(ctx, noInstance());
		stateOf(ctx).params = new Map([['url', link.value]]);
		await deps.instance.openLink(link.value);
		replyJson(ctx, `Opened ${printable(link.value, 80)}`, {ok: true});
	});

	return router;
}

const methods: Record<string, string> = {
	[`${apiPrefix}/instance`]: 'GET',
	[`${apiPrefix}/command`]: 'POST',
	[`${apiPrefix}/shutdown`]: 'POST',
	[`${apiPrefix}/open-link`]: 'POST',
};

/** The /api routes as one middleware; anything else under /api gets a JSON answer, not the /cgi-bin hint. */
export function apiRoutes(deps: ServerDeps): Middleware {
	const routes = apiRouter(deps).routes();
	return async function apiRoutes(ctx, next) {
		if (!isApiPath(ctx.path)) return next();
		await routes(ctx as Parameters<typeof routes>[0], async () => undefined);
		if (stateOf(ctx).outcome) return;
		const method = methods[ctx.path];
		if (method) {
			refuse(ctx, failure('method-not-allowed', `Use ${method} for ${ctx.path}.`));
			ctx.set('Allow', method);
			return;
		}
		refuse(ctx, failure('not-found', `No such API route: ${printable(ctx.path, 60)}. Routes: ${Object.keys(methods).join(', ')}.`));
	};
}
