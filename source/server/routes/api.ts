// /api — the JSON API for scripts and attached TUIs (ctidesk attach, stop, events): describe
// the instance, run any session command, stop the instance, open a link. Never for web pages:
// a request carrying any browser marker is refused whatever the allowed origins (guard-site.ts),
// and a POST must be `Content-Type: application/json`, which a cross-site form cannot send
// without a CORS preflight (refused too). Commands take the same path as the CGI routes and the
// keys: validated at the edge, then `store.run`, so there is one way of doing each thing.
import Router from '@koa/router';
import type {OriginAnswer} from '../../core/desk.js';
import type {ServerDeps} from '../action.js';
import {answerFailure, answerJson, failure, type LocalContext, type LocalState, type Outcome} from '../answer.js';
import {parseCommandBody} from '../command-schema.js';
import {mediaType, readBody} from '../request-body.js';
import {limits, printable, type Parsed} from '../validate.js';

export const apiPrefix = '/api';

export const isApiPath = (path: string) => path === apiPrefix || path.startsWith(`${apiPrefix}/`);

const refuse = (ctx: LocalContext, outcome: Outcome) => answerFailure(ctx, outcome, true);

function answer(ctx: LocalContext, message: string, body: Record<string, unknown>) {
	answerJson(ctx, {status: 200, code: 'ok', message}, body);
}

/** The JSON body of a POST, or the refusal to answer with. */
type JsonBody = {ok: true; value: unknown} | {ok: false; refusal: Outcome};

async function readJson(ctx: LocalContext): Promise<JsonBody> {
	const refusal = (outcome: Outcome): JsonBody => ({ok: false, refusal: outcome});
	if (ctx.querystring !== '') return refusal(failure('bad-input', `The ${apiPrefix} routes take no query parameters: send them in the JSON body.`));
	if (mediaType(ctx.req) !== 'application/json') {
		ctx.set('Connection', 'close');
		return refusal(failure('unsupported-media-type', `POST to ${apiPrefix} with Content-Type: application/json.`));
	}
	const body = await readBody(ctx.req, limits.queryBytes);
	if (!body.ok) {
		// The rest of the body is not read: close rather than parse it as the next request.
		ctx.set('Connection', 'close');
		return refusal(failure('too-large', `The request body is larger than ${limits.queryBytes} bytes.`));
	}
	try {
		return {ok: true, value: JSON.parse(new TextDecoder('utf-8', {fatal: true}).decode(body.bytes)) as unknown};
	} catch {
		return refusal(failure('bad-input', 'The body is not valid UTF-8 JSON.'));
	}
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

/** `{id, answer}`: the agent's answer to a first-contact question. */
function parseOriginAnswer(value: unknown): Parsed<{id: string; answer: OriginAnswer}> {
	const answers: readonly string[] = ['always', 'once', 'deny'];
	if (
		!isPlainObject(value) ||
		Object.keys(value).some((key) => key !== 'id' && key !== 'answer') ||
		typeof value['id'] !== 'string' ||
		!/^\d{1,12}$/.test(value['id']) ||
		typeof value['answer'] !== 'string' ||
		!answers.includes(value['answer'])
	) {
		return {ok: false, message: 'The body must be {"id": "<request id>", "answer": "always" | "once" | "deny"}.'};
	}
	return {ok: true, value: {id: value['id'], answer: value['answer'] as OriginAnswer}};
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

export function apiRouter(deps: ServerDeps): Router<LocalState> {
	const router = new Router<LocalState>({prefix: apiPrefix});

	router.get('/instance', (ctx) => {
		if (ctx.querystring !== '') return refuse(ctx, failure('bad-input', `The ${apiPrefix} routes take no query parameters.`));
		if (!deps.instance) return refuse(ctx, noInstance());
		answer(ctx, 'Instance described', {ok: true, ...deps.instance.describe()});
	});

	router.post('/command', async (ctx) => {
		const body = await readJson(ctx);
		if (!body.ok) return refuse(ctx, body.refusal);
		const command = parseCommandBody(body.value, deps.config());
		if (!command.ok) return refuse(ctx, failure('bad-input', command.message));
		// The Events tab line names the command, never its values (a login carries a password).
		ctx.state.params = new Map([['command', command.value.type]]);
		const result = await deps.store.run(command.value);
		if (!result.ok) return refuse(ctx, failure(result.code, result.message));
		answer(ctx, `${command.value.type} done`, {ok: true, seq: deps.store.getSnapshot().seq});
	});

	router.post('/shutdown', async (ctx) => {
		const body = await readJson(ctx);
		if (!body.ok) return refuse(ctx, body.refusal);
		const logout = parseShutdown(body.value);
		if (!logout.ok) return refuse(ctx, failure('bad-input', logout.message));
		const instance = deps.instance;
		if (!instance) return refuse(ctx, noInstance());
		answer(ctx, logout.value ? 'Stopping (logging out first)' : 'Stopping', {ok: true});
		// Answer first: the stop closes this server, and the caller wants to know it was heard.
		// 'close' follows the end of the response, and also comes when the caller hung up early.
		ctx.res.once('close', () => instance.shutdown(logout.value));
	});

	router.post('/origin-answer', async (ctx) => {
		const body = await readJson(ctx);
		if (!body.ok) return refuse(ctx, body.refusal);
		const given = parseOriginAnswer(body.value);
		if (!given.ok) return refuse(ctx, failure('bad-input', given.message));
		if (!deps.originRequests) return refuse(ctx, noInstance());
		ctx.state.params = new Map([['answer', given.value.answer]]);
		deps.originRequests.answer(given.value.id, given.value.answer);
		answer(ctx, `Origin request answered: ${given.value.answer}`, {ok: true});
	});

	router.post('/open-link', async (ctx) => {
		const body = await readJson(ctx);
		if (!body.ok) return refuse(ctx, body.refusal);
		const link = parseLink(body.value);
		if (!link.ok) return refuse(ctx, failure('bad-input', link.message));
		if (!deps.instance) return refuse(ctx, noInstance());
		ctx.state.params = new Map([['url', link.value]]);
		await deps.instance.openLink(link.value);
		answer(ctx, `Opened ${printable(link.value, 80)}`, {ok: true});
	});

	return router;
}
