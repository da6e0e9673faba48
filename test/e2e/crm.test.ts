// End to end in a real browser: the example CRM (examples/crm) on a site of its own, the real
// app (createApp: simulator, session, local server, pops, outbox) in-process, and headless
// chromium between them. The CRM lives at crm.example.test, which chromium maps to 127.0.0.1,
// so every request its pages make to http://localhost:<port> is cross-site, as in production;
// evil.example.test is a site nobody allowed. Only the browser launcher is replaced: it loads
// each URL ctidesk opens in a new page of the same browser context.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Browser, BrowserContext, Page, Request, Response} from 'playwright-core';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {createApp, type App} from '../../source/app.js';
import {resolvePaths} from '../../source/config/paths.js';
import {validateConfig} from '../../source/config/schema.js';
import {allowedOrigins} from '../../source/server/guard.js';
import {createLogger} from '../../source/logger.js';
import type {StatusJson} from '../../source/core/status.js';
import {chromiumMissing, findChromium, launchChromium} from '../helpers/chromium.js';
import {startCrm, type CrmProcess, type CrmRecord} from './crm-process.js';
import {evilNumbers, startEvilSite, type EvilSite} from './evil-site.js';
import {fetchResolving} from './fetch-resolving.js';
import {findFreePort} from './free-port.js';

const chromiumPath = findChromium();
const crmHost = 'crm.example.test';
const evilHost = 'evil.example.test';
/** The nine pop parameters after the configured URL's own `src`, in the order the spec lists them. */
const popNames = [
	'src',
	'origin',
	'callid',
	'number',
	'callerid',
	'calledid',
	'groupid',
	'agentid',
	'empid',
	'sid',
];
const waitLong = {timeout: 10_000};

/** The little of a page's globals the in-page callbacks read (this project compiles without lib.dom). */
interface PageGlobals {
	document: {querySelector(selector: string): {textContent: string | null} | null};
	/** Set by the evil page's script. */
	attempts?: Record<string, string>;
}

describe.skipIf(chromiumPath === null)(
	chromiumPath === null ? `CRM in a browser (skipped: ${chromiumMissing})` : 'CRM in a browser',
	() => {
		let dir: string;
		let crm: CrmProcess;
		let evil: EvilSite;
		let browser: Browser;
		let app: App;
		let ctiPort: number;
		let crmBase: string;
		let ctiBase: string;
		/** The context of the running test: where the launcher opens pages. */
		let context: BrowserContext | null = null;
		/** Every URL ctidesk handed to the browser launcher, with the page it was loaded in. */
		const opened: Array<{url: string; page: Promise<Page | null>}> = [];

		function openUrl(url: string): Promise<void> {
			const target = context;
			const page = target
				? target.newPage().then(async (created) => {
						await created.goto(url);
						return created;
					})
				: Promise.resolve(null);
			// A page still loading when its test ends is closed with the context: not a failure here.
			opened.push({url, page: page.catch(() => null)});
			// Like open(): resolves once the browser has the URL, not when the page has loaded.
			return Promise.resolve();
		}

		beforeAll(async () => {
			dir = mkdtempSync(join(tmpdir(), 'ctidesk-e2e-'));
			ctiPort = await findFreePort();
			ctiBase = `http://localhost:${ctiPort}`;
			crm = await startCrm({ctidesk: ctiBase});
			crmBase = `http://${crmHost}:${crm.port}`;
			evil = await startEvilSite({ctidesk: ctiBase});
			browser = await launchChromium(chromiumPath!, {loopbackHosts: [crmHost, evilHost]});

			const pop = (path: string, mode: 'browser' | 'hidden') => ({
				url: `${crmBase}${path}?src=ctidesk`,
				mode,
			});
			const validated = validateConfig({
				pbx: {
					driver: 'sim',
					sim: {arrivalsPerMinute: 0, otherAgents: 0, ringSeconds: 600, talkSeconds: 3600},
				},
				server: {port: ctiPort},
				// The browser is this test's own chromium, reached through openUrl (issue 15's managed mode has its own tests).
				browser: {mode: 'system'},
				pops: {
					home: pop('/home', 'browser'),
					ring: pop('/pop/ring', 'browser'),
					answer: pop('/pop/answer', 'browser'),
					hangup: pop('/pop/hangup', 'hidden'),
					wrapup: pop('/pop/wrapup', 'hidden'),
				},
				wrapUpSeconds: 0,
			});
			if (!validated.ok) throw new Error(validated.message);
			const env = {CTIDESK_CONFIG_DIR: join(dir, 'config'), CTIDESK_DATA_DIR: join(dir, 'data')};
			const paths = resolvePaths({env});
			app = createApp({
				config: validated.config,
				paths,
				logger: createLogger({file: paths.logFile, level: 'debug'}),
				openUrl,
				// Hidden pops go from ctidesk to the CRM directly: resolve its name as chromium does.
				fetch: fetchResolving(new Map([[crmHost, '127.0.0.1']])),
				// A display, and no $BROWSER: the launcher takes the default-browser path, i.e. openUrl.
				env: {DISPLAY: ':99'},
			});
			await app.start();
			expect(app.server.getSnapshot()).toMatchObject({on: true, port: ctiPort});
		});

		afterAll(async () => {
			await app?.stop();
			await browser?.close();
			await crm?.stop();
			await evil?.close();
			if (dir) rmSync(dir, {recursive: true, force: true});
		});

		beforeEach(async () => {
			context = await browser.newContext();
		});

		afterEach(async () => {
			const closing = context;
			context = null;
			await closing?.close();
			// Every test starts logged out with no call.
			if (app.store.getSnapshot().call) await app.store.run({type: 'hangup'});
			if (app.store.getSnapshot().agent.state !== 'logged-out')
				await app.store.run({type: 'logout'});
			expect(app.store.getSnapshot().agent.state).toBe('logged-out');
		});

		// -----------------------------------------------------------------------------------------

		async function ctiStatus(): Promise<StatusJson & {ok: true}> {
			const response = await fetch(`${ctiBase}/cgi-bin/status.cgi?format=json`);
			return (await response.json()) as StatusJson & {ok: true};
		}

		/** The first URL handed to the launcher from index `from` on that matches. */
		async function waitForOpened(matches: (url: string) => boolean, from: number) {
			await expect
				.poll(() => opened.slice(from).some((entry) => matches(entry.url)), waitLong)
				.toBe(true);
			return opened.slice(from).find((entry) => matches(entry.url))!;
		}

		async function waitForRecord(matches: (record: CrmRecord) => boolean): Promise<CrmRecord> {
			let found: CrmRecord | undefined;
			await expect
				.poll(async () => {
					found = (await crm.records()).find(matches);
					return found !== undefined;
				}, waitLong)
				.toBe(true);
			return found!;
		}

		const lastRecordSeq = async () => (await crm.records()).at(-1)?.seq ?? 0;

		function redirectChain(request: Request): string[] {
			const chain: string[] = [];
			for (let current: Request | null = request; current; current = current.redirectedFrom()) {
				const url = new URL(current.url());
				chain.unshift(`${current.method()} ${url.origin}${url.pathname}`);
			}
			return chain;
		}

		/** Signs in to the CRM with its own form; the CRM then sends the browser through login.cgi. */
		async function signInToCrm(): Promise<{page: Page; landing: Response}> {
			const page = await context!.newPage();
			await page.goto(`${crmBase}/`);
			expect(page.url()).toBe(`${crmBase}/login`);
			await page.fill('#login-user', '101');
			await page.fill('#login-password', '101');
			const landing = page.waitForResponse(
				(response) =>
					response.url() === `${crmBase}/` && response.request().redirectedFrom() !== null,
			);
			await page.click('#login-submit');
			const response = await landing;
			await page.waitForURL(`${crmBase}/`);
			return {page, landing: response};
		}

		/** Waits until the CRM page's live panel (fed by the WebSocket) shows these values. */
		async function panelShows(page: Page, expected: Record<string, string | RegExp>) {
			const entries = Object.entries(expected).map(([id, value]) =>
				value instanceof RegExp ? [id, value.source, 'regexp'] : [id, value, 'text'],
			);
			await page.waitForFunction(
				(checks) =>
					checks.every(([id, value, how]) => {
						const text =
							(globalThis as unknown as PageGlobals).document.querySelector(`#${id}`)
								?.textContent ?? '';
						return how === 'regexp' ? new RegExp(value!).test(text) : text === value;
					}),
				entries,
				waitLong,
			);
		}

		/** Clicks a target=_blank link or form button; returns the window it opened and ctidesk's answer. */
		async function clickOpeningWindow(page: Page, selector: string, path: string) {
			const popup = page.waitForEvent('popup');
			const answer = page
				.context()
				.waitForEvent('response', (response) =>
					response.url().startsWith(`${ctiBase}/cgi-bin/${path}`),
				);
			// The agent is looking at the CRM page. Chromium does not always make the opener the
			// active tab again when a popup closes (after a form's popup it stays in the
			// background), and a background tab paints no frames, so a click would wait forever.
			await page.bringToFront();
			await page.click(selector);
			return {popup: await popup, response: await answer};
		}

		/** ctidesk's success page closes its own window. */
		async function closesItself(popup: Page) {
			if (!popup.isClosed()) await popup.waitForEvent('close', waitLong);
			return popup.isClosed();
		}

		async function clickAction(page: Page, selector: string, path: string) {
			const {popup, response} = await clickOpeningWindow(page, selector, path);
			expect(response.status()).toBe(200);
			expect(await closesItself(popup)).toBe(true);
		}

		// -----------------------------------------------------------------------------------------

		it('(a) the CRM login form redirects through login.cgi and lands back on the CRM with the agent logged in', async () => {
			expect(allowedOrigins(app.config)).toContain(crmBase);
			expect(app.config.server.allowedOrigins).toEqual([]);
			const before = opened.length;

			const {page, landing} = await signInToCrm();

			expect(redirectChain(landing.request())).toEqual([
				`POST ${crmBase}/login`,
				`GET ${ctiBase}/cgi-bin/login.cgi`,
				`GET ${crmBase}/`,
			]);
			expect(landing.status()).toBe(200);
			const status = await ctiStatus();
			expect(status.agent).toMatchObject({user: '101', agentId: '1', empId: '001'});
			expect(status.agent.state).toBe('not-ready');
			// The login opened the home page with the new session id…
			const home = await waitForOpened(
				(url) => url.startsWith(`${crmBase}/home?`) && url.includes('sid='),
				before,
			);
			const sid = new URL(home.url).searchParams.get('sid');
			expect(sid).toMatch(/^[0-9a-f]{32,}$/i);
			expect(sid).toBe(app.store.getSnapshot().agent.sid);
			// …and the CRM page, back from login.cgi, shows the same login live from the WebSocket.
			await panelShows(page, {
				'cti-link': 'connected',
				'cti-state': 'not-ready',
				'cti-user': '101',
				'cti-sid': sid!,
			});
			expect(await page.textContent('#crm-user')).toBe('Signed in as 101');
		});

		it('(b) a click-to-dial link opens a window that closes itself, and the call is up', async () => {
			const {page} = await signInToCrm();
			await panelShows(page, {'cti-link': 'connected', 'cti-state': 'not-ready'});

			const {popup, response} = await clickOpeningWindow(page, '#call-13900001111', 'call.cgi');

			expect(response.status()).toBe(200);
			expect(await closesItself(popup)).toBe(true);
			const status = await ctiStatus();
			expect(['dialing', 'talking']).toContain(status.agent.state);
			expect(status.call).toMatchObject({origin: 2, number: '13900001111'});
			await panelShows(page, {
				'cti-state': /^(dialing|talking)$/,
				'cti-call': /^outbound 13900001111, /,
			});
		});

		it('(c) call.cgi with a bad number shows an error page that stays open, and dials nothing', async () => {
			const {page} = await signInToCrm();
			const seq = (await ctiStatus()).seq;
			await page.fill('#dial-number', '12ab');

			const {popup, response} = await clickOpeningWindow(page, '#dial-submit', 'call.cgi');

			expect(response.status()).toBe(400);
			await popup.waitForLoadState('load');
			expect(popup.url()).toBe(`${ctiBase}/cgi-bin/call.cgi?number=12ab`);
			expect(await popup.textContent('h1')).toBe(
				'Parameter number may hold only digits, * and #, and a leading + (write it as %2B).',
			);
			expect(await popup.textContent('body')).toContain('HTTP 400');
			// Nothing on the page can close it: no script at all (the success page has one).
			expect(await popup.locator('script').count()).toBe(0);
			expect(popup.isClosed()).toBe(false);
			const status = await ctiStatus();
			expect(status.call).toBeNull();
			expect(status.seq).toBe(seq);
		});

		it("(d) ring, answer and hangup pops reach the CRM with the nine parameters, one callid and the login's sid", async () => {
			const before = opened.length;
			const since = await lastRecordSeq();
			const {page} = await signInToCrm();
			const home = await waitForOpened(
				(url) => url.startsWith(`${crmBase}/home?`) && url.includes('sid='),
				before,
			);
			const sid = new URL(home.url).searchParams.get('sid')!;
			await panelShows(page, {'cti-sid': sid, 'cti-state': 'not-ready'});

			await clickAction(page, '#ready', 'ready.cgi');
			await expect.poll(async () => (await ctiStatus()).agent.state, waitLong).toBe('ready');
			expect(await app.store.run({type: 'inject-call'})).toEqual({ok: true});
			const ring = await waitForRecord((record) => record.seq > since && record.kind === 'ring');
			await panelShows(page, {'cti-state': 'ringing'});
			await clickAction(page, '#answer', 'answer.cgi');
			const answer = await waitForRecord(
				(record) => record.seq > since && record.kind === 'answer',
			);
			await clickAction(page, '#hangup', 'hangup.cgi');
			const hangup = await waitForRecord(
				(record) => record.seq > since && record.kind === 'hangup',
			);

			const call = app.store.getSnapshot().recentCalls[0]!;
			expect(call.answeredAt).not.toBeNull();
			for (const record of [ring, answer, hangup]) {
				expect(record.params.map(([name]) => name)).toEqual(popNames);
				expect(Object.fromEntries(record.params)).toEqual({
					src: 'ctidesk',
					origin: '1',
					callid: call.callId,
					number: call.number,
					callerid: call.callerId,
					calledid: call.calledId,
					groupid: '1',
					agentid: '1',
					empid: '001',
					sid,
				});
			}
			expect(call.callId).toMatch(/^\d{17}$/);
			expect(call.number).not.toBe('');
			// Ring and answer opened in the browser (through the launcher); hangup went through the outbox.
			expect(opened.slice(before).map((entry) => new URL(entry.url).pathname)).toEqual([
				'/home',
				'/pop/ring',
				'/pop/answer',
			]);
			expect([ring.browser, answer.browser, hangup.browser]).toEqual([true, true, false]);
			expect(ring.userAgent).toContain('Chrome');
			expect(hangup.userAgent).not.toContain('Chrome');
			// Each pop exactly once for this call.
			const ofCall = (await crm.records()).filter((record) =>
				record.params.some(([name, value]) => name === 'callid' && value === call.callId),
			);
			expect(ofCall.map((record) => record.kind)).toEqual(['ring', 'answer', 'hangup']);
		});

		it('(e) logging in from ctidesk itself opens the home URL with user (the empid) and sid', async () => {
			// At start, before any login, the home URL was opened bare.
			expect(opened[0]?.url).toBe(`${crmBase}/home?src=ctidesk`);
			const before = opened.length;
			const since = await lastRecordSeq();

			expect(await app.store.run({type: 'login', user: '101', password: '101'})).toEqual({
				ok: true,
			});

			const sid = app.store.getSnapshot().agent.sid!;
			expect(sid).toMatch(/^[0-9a-f]{32,}$/i);
			const home = await waitForOpened((url) => url.startsWith(`${crmBase}/home?`), before);
			// `user` is the employee id (the original's "工号user", example user=001&sid=…).
			expect(home.url).toBe(`${crmBase}/home?src=ctidesk&user=001&sid=${sid}`);
			// The browser loaded it: the CRM recorded the sid, and sends a browser not signed in to
			// the CRM to its login form, for that user.
			const record = await waitForRecord((entry) => entry.seq > since && entry.kind === 'home');
			expect(record.params).toEqual([
				['src', 'ctidesk'],
				['user', '001'],
				['sid', sid],
			]);
			expect(record.browser).toBe(true);
			const page = (await home.page)!;
			expect(page.url()).toBe(`${crmBase}/login?user=101`);
			expect(await page.inputValue('#login-user')).toBe('101');
		});

		it('(f) a page from a site nobody allowed cannot dial by image, no-cors fetch or form post, nor read the stream', async () => {
			expect(await app.store.run({type: 'login', user: '101', password: '101'})).toEqual({
				ok: true,
			});
			expect(await app.store.run({type: 'ready'})).toEqual({ok: true});
			const before = await ctiStatus();
			const lastEntry = app.activity.getEntries().at(-1)?.id ?? 0;
			const refusals = () =>
				app.activity
					.getEntries()
					.filter(
						(entry) =>
							entry.id > lastEntry && entry.source === 'server' && / → 403 /.test(entry.text),
					)
					.map((entry) => entry.text);

			const page = await context!.newPage();
			await page.goto(`http://${evilHost}:${evil.port}/`);

			// ctidesk saw all four attempts and refused each, naming the site.
			await expect.poll(() => refusals().length, waitLong).toBe(4);
			const refused = refusals();
			expect(
				refused.filter((text) =>
					/^\/cgi-bin\/call\.cgi\?number → 403 Requests from http:\/\/evil\.example\.test:\d+ are not allowed/.test(
						text,
					),
				),
			).toHaveLength(2);
			expect(
				refused.filter((text) =>
					/^POST \/cgi-bin\/call\.cgi → 403 Requests from http:\/\/evil\.example\.test:\d+ are not allowed/.test(
						text,
					),
				),
			).toHaveLength(1);
			expect(refused.filter((text) => /^WebSocket \/events → 403 /.test(text))).toHaveLength(1);
			await page.waitForFunction(
				() => {
					const attempts = (globalThis as unknown as PageGlobals).attempts;
					return attempts?.['fetch'] !== undefined && attempts['socket'] !== undefined;
				},
				undefined,
				waitLong,
			);
			const attempts = (await page.evaluate(
				() => (globalThis as unknown as PageGlobals).attempts,
			))!;
			expect(attempts['socket']).toBe('error');
			expect(attempts['socketMessage']).toBeUndefined();
			// Nothing happened to the session.
			const after = await ctiStatus();
			expect(after.seq).toBe(before.seq);
			expect(after.agent.state).toBe('ready');
			expect(after.call).toBeNull();
			expect(
				app.activity
					.getEntries()
					.some((entry) =>
						Object.values(evilNumbers).some((number) => entry.text.includes(number)),
					),
			).toBe(false);
		});

		it("(g) the CRM page's other links drive the agent and the call: away, hold, transfers, call with url=, logout", async () => {
			const {page} = await signInToCrm();
			await panelShows(page, {'cti-link': 'connected', 'cti-state': 'not-ready'});
			const state = async () => {
				const {agent} = await ctiStatus();
				return agent.reason ? `${agent.state} (${agent.reason})` : agent.state;
			};

			await clickAction(page, '#away-lunch', 'away.cgi');
			expect(await state()).toBe('not-ready (lunch)');
			await clickAction(page, '#ready', 'ready.cgi');
			expect(await state()).toBe('ready');
			expect(await app.store.run({type: 'inject-call'})).toEqual({ok: true});
			await panelShows(page, {'cti-state': 'ringing'});
			await clickAction(page, '#answer', 'answer.cgi');
			expect(await state()).toBe('talking');
			await clickAction(page, '#hold', 'hold.cgi');
			expect(await state()).toBe('held');
			await clickAction(page, '#resume', 'hold.cgi');
			expect(await state()).toBe('talking');
			await clickAction(page, '#hold-toggle', 'hold.cgi');
			expect(await state()).toBe('held');
			await clickAction(page, '#hold-toggle', 'hold.cgi');
			expect(await state()).toBe('talking');
			// Consult from the transfer form, back to the customer by link (transfer.cgi?action=cancel),
			// then a blind transfer by link.
			await page.fill('#transfer-number', '2001');
			await page.selectOption('#transfer-mode', 'consult');
			await clickAction(page, '#transfer-submit', 'transfer.cgi');
			expect(app.store.getSnapshot().call?.consult?.target).toBe('2001');
			await clickAction(page, '#consult-cancel', 'transfer.cgi');
			await expect.poll(() => app.store.getSnapshot().call?.consult ?? null, waitLong).toBeNull();
			if ((await state()) === 'held') await clickAction(page, '#resume', 'hold.cgi');
			const transferred = app.store.getSnapshot().call!.callId;
			await clickAction(page, '#transfer-blind', 'transfer.cgi');
			expect(app.store.getSnapshot().recentCalls[0]).toMatchObject({
				callId: transferred,
				endCause: 'transferred',
				transferTarget: '2001',
				transferMode: 'blind',
			});
			await panelShows(page, {'cti-state': 'ready', 'cti-call': '—'});

			// With url= the window goes to the CRM's call page instead of closing.
			const {popup, response} = await clickOpeningWindow(
				page,
				'#call-page-13900001111',
				'call.cgi',
			);
			expect(response.status()).toBe(302);
			await popup.waitForURL(`${crmBase}/outbound?number=13900001111`);
			expect(await popup.textContent('#outbound h2')).toBe('Calling 13900001111');
			expect(popup.isClosed()).toBe(false);
			expect(['dialing', 'talking']).toContain(await state());
			await clickAction(page, '#hangup', 'hangup.cgi');
			expect((await ctiStatus()).call).toBeNull();

			await clickAction(page, '#phone-logout', 'logout.cgi');
			expect(await state()).toBe('logged-out');
			await panelShows(page, {'cti-state': 'logged-out', 'cti-sid': '—'});
		});
	},
);

describe('examples/crm/ctidesk.json', () => {
	it('is a valid config whose pop URLs make the example CRM an allowed origin', () => {
		const file = new URL('../../examples/crm/ctidesk.json', import.meta.url);
		const validated = validateConfig(JSON.parse(readFileSync(file, 'utf8')));
		if (!validated.ok) throw new Error(validated.message);
		expect([...allowedOrigins(validated.config)]).toEqual(['http://localhost:8080']);
		expect(validated.config.server.port).toBe(8180);
		expect(validated.config.pops.hangup).toEqual({
			url: 'http://localhost:8080/pop/hangup?src=ctidesk',
			mode: 'hidden',
		});
	});
});
