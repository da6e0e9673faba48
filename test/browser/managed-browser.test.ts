// The managed browser end to end (issue 15): the real app (simulator, session, pops, outbox,
// local API) drives Debian's chromium, headless, with its own profile; a CRM on its own origin
// checks an HttpOnly login cookie. Nothing is replaced: the browser is the product here.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createApp, type App} from '../../source/app.js';
import {resolvePaths} from '../../source/config/paths.js';
import {validateConfig} from '../../source/config/schema.js';
import {createLogger} from '../../source/logger.js';
import {popParameterNames} from '../../source/pops/pop-url.js';
import {chromiumMissing, findChromium} from '../helpers/chromium.js';
import {findFreePort} from '../e2e/free-port.js';
import {browserPid} from './browser-pid.js';
import {startCookieCrm, type CookieCrm} from './cookie-crm.js';

const chromiumPath = findChromium();
const waitLong = {timeout: 15_000, interval: 50};

describe.skipIf(chromiumPath === null)(
	chromiumPath === null ? `the managed browser (skipped: ${chromiumMissing})` : 'the managed browser',
	() => {
		let dir: string;
		let crm: CookieCrm;
		let app: App;
		let ctiPort: number;

		beforeAll(async () => {
			dir = mkdtempSync(join(tmpdir(), 'ctidesk-managed-'));
			crm = await startCookieCrm();
			const validated = validateConfig({
				pbx: {driver: 'sim', sim: {arrivalsPerMinute: 0, otherAgents: 0, ringSeconds: 600, talkSeconds: 3600}},
				server: {port: (ctiPort = await findFreePort())},
				browser: {mode: 'managed', executable: chromiumPath, headless: true},
				pops: {
					home: {url: `${crm.origin}/home`, mode: 'browser'},
					ring: {url: `${crm.origin}/calllog`, mode: 'hidden'},
					answer: {url: `${crm.origin}/answer`, mode: 'browser', window: {width: 900, height: 700, x: 40, y: 40}},
					hangup: {url: '', mode: 'off'},
				},
				links: [
					{name: 'Tickets', url: `${crm.origin}/tickets`},
					{name: 'Customers', url: `${crm.origin}/customers`},
				],
				wrapUpSeconds: 0,
			});
			if (!validated.ok) throw new Error(validated.message);
			const paths = resolvePaths({env: {CTIDESK_CONFIG_DIR: join(dir, 'config'), CTIDESK_DATA_DIR: join(dir, 'data')}});
			app = createApp({config: validated.config, paths, logger: createLogger({file: paths.logFile, level: 'debug'}), env: {}});
			await app.start();
		});

		afterAll(async () => {
			await app?.stop();
			await crm?.close();
			if (dir) rmSync(dir, {recursive: true, force: true});
		});

		const service = () => app.browser()!;
		const tabUrls = () => service().mainWindow.tabs().map((page) => page.url());
		const popRecord = (kind: string, callId: string) =>
			app.pops.getSnapshot().recent.find((record) => record.kind === kind && record.callId === callId);

		async function ringCall(): Promise<string> {
			expect(await app.store.run({type: 'inject-call'})).toEqual({ok: true});
			await expect.poll(() => app.store.getSnapshot().call?.callId ?? null, waitLong).not.toBeNull();
			return app.store.getSnapshot().call!.callId;
		}

		it('says which browser mode is active and why', () => {
			expect(app.pops.getSnapshot().browser).toMatchObject({mode: 'managed', why: `managed: ${chromiumPath} (headless)`});
		});

		it('shows the bare home URL before login, then one tab per preset URL in order after login', async () => {
			await expect.poll(tabUrls, waitLong).toEqual([`${crm.origin}/home`]);
			expect(await app.store.run({type: 'login', user: '101', password: '101'})).toEqual({ok: true});
			const sid = app.store.getSnapshot().agent.sid!;
			await expect
				.poll(tabUrls, waitLong)
				.toEqual([`${crm.origin}/home?user=001&sid=${sid}`, `${crm.origin}/tickets`, `${crm.origin}/customers`]);
		});

		it('opens a page without a window of its own as a tab of the main window (Links tab, /api/open-link)', async () => {
			const before = tabUrls();
			await app.openLink(`${crm.origin}/reports`);
			const main = service().mainWindow.tabs()[0]!;
			const opened = main.context().pages().find((page) => page.url() === `${crm.origin}/reports`)!;
			expect(opened).toBeDefined();
			const {cdp} = await service().managed.session();
			const windowOf = async (page: typeof main) => {
				const session = await page.context().newCDPSession(page);
				const {targetInfo} = (await session.send('Target.getTargetInfo')) as {targetInfo: {targetId: string}};
				await session.detach();
				return ((await cdp.send('Browser.getWindowForTarget', {targetId: targetInfo.targetId} as never)) as {windowId: number}).windowId;
			};
			expect(await windowOf(opened)).toBe(await windowOf(main));
			// The main window's layout is untouched.
			expect(tabUrls()).toEqual(before);
			await opened.close();
		});

		it('retries a hidden ring pop the CRM sends to its login page, telling the agent, and delivers it with the session cookie once the agent logs in to the CRM in the main window', async () => {
			expect(await app.store.run({type: 'ready'})).toEqual({ok: true});
			const callId = await ringCall();
			// The CRM redirected the cookie-less pop to its login page: not delivered, the agent is told.
			await expect
				.poll(() => app.activity.getEntries().some((entry) => entry.text.includes('log in to the CRM in the main window')), waitLong)
				.toBe(true);
			expect(crm.hits.some((hit) => hit.path === '/login' && hit.query.get('next')?.startsWith('/calllog'))).toBe(true);
			expect(popRecord('ring', callId)?.outcome).toBe('queued');
			expect(app.pops.getSnapshot().pendingHidden).toBe(1);

			// The agent signs in to the CRM in the main window's first tab.
			const main = service().mainWindow.tabs()[0]!;
			await main.goto(`${crm.origin}/login`);
			await main.fill('#user', 'agent');
			await main.fill('#password', 'secret');
			await Promise.all([main.waitForURL(`${crm.origin}/home`), main.click('#go')]);
			// The cookie is HttpOnly: no page script could have handed it to ctidesk.
			const cookies = await main.context().cookies(crm.origin);
			expect(cookies.find((cookie) => cookie.name === 'crm_session')).toMatchObject({httpOnly: true});

			await expect.poll(() => popRecord('ring', callId)?.outcome, {timeout: 20_000, interval: 100}).toBe('delivered');
			const logged = crm.hits.filter((hit) => hit.path === '/calllog' && crm.sessions.has(hit.cookies['crm_session'] ?? ''));
			expect(logged).toHaveLength(1);
			expect([...logged[0]!.query.keys()]).toEqual(popParameterNames);
			expect(logged[0]!.query.get('callid')).toBe(callId);
			expect(app.pops.getSnapshot().pendingHidden).toBe(0);
		}, 40_000);

		it('opens a visible answer pop as a window of its configured size', async () => {
			const callId = app.store.getSnapshot().call!.callId;
			const before = crm.hits.length;
			expect(await app.store.run({type: 'answer'})).toEqual({ok: true});
			await expect.poll(() => popRecord('answer', callId)?.outcome, waitLong).toBe('opened');
			await expect.poll(() => crm.hits.slice(before).find((hit) => hit.path === '/size')?.query.toString(), waitLong).toBe('w=900&h=700');
			const answer = crm.hits.slice(before).find((hit) => hit.path === '/answer')!;
			expect(answer.query.get('callid')).toBe(callId);
			expect(await app.store.run({type: 'hangup'})).toEqual({ok: true});
		});

		it('delivers the next hidden ring pop at once with the cookie the agent got in the main window', async () => {
			await expect.poll(() => app.store.getSnapshot().agent.state, waitLong).toBe('ready');
			const callId = await ringCall();
			await expect.poll(() => popRecord('ring', callId)?.outcome, waitLong).toBe('delivered');
			const hits = crm.hits.filter((hit) => hit.path === '/calllog' && hit.query.get('callid') === callId);
			expect(hits).toHaveLength(1);
			expect(crm.sessions.has(hits[0]!.cookies['crm_session'] ?? '')).toBe(true);
			// Answered before hanging up: a call refused while ringing goes back to the queue and rings again.
			expect(await app.store.run({type: 'answer'})).toEqual({ok: true});
			expect(await app.store.run({type: 'hangup'})).toEqual({ok: true});
		});

		it('opens the browser again with the next pop after the agent closed it', async () => {
			const profile = resolvePaths({env: {CTIDESK_DATA_DIR: join(dir, 'data')}}).browserProfileDir;
			const pid = browserPid(profile);
			expect(pid).toBeGreaterThan(0);
			process.kill(pid!, 'SIGTERM');
			await expect.poll(() => service().managed.running(), waitLong).toBe(false);
			await expect.poll(() => app.pops.getSnapshot().browser?.running, waitLong).toBe(false);
			// Ctrl+O: the newest visible pop again.
			await app.reopenLastPop();
			await expect
				.poll(() => service().managed.running() || app.activity.getEntries().slice(-8).map((entry) => entry.text), waitLong)
				.toBe(true);
			expect(browserPid(profile)).not.toBe(pid);
			// The main window comes back as it was: home (with the login) first, then the links.
			const sid = app.store.getSnapshot().agent.sid!;
			await expect
				.poll(tabUrls, waitLong)
				.toEqual([`${crm.origin}/home?user=001&sid=${sid}`, `${crm.origin}/tickets`, `${crm.origin}/customers`]);
		});

		it("lets login.cgi's redirect land in the main window's first tab, the links after it", async () => {
			if (app.store.getSnapshot().agent.state !== 'logged-out') {
				await expect.poll(() => app.store.getSnapshot().agent.state, waitLong).toBe('ready');
				expect(await app.store.run({type: 'logout'})).toEqual({ok: true});
			}
			const first = (await service().managed.session()) && service().mainWindow.tabs()[0]!;
			// Business system first: the CRM's login sends the browser through ctidesk's login.cgi.
			await first.goto(`${crm.origin}/login?cti=${ctiPort}`);
			await first.fill('#user', 'agent');
			await first.fill('#password', 'secret');
			await Promise.all([first.waitForURL(`${crm.origin}/landing`), first.click('#go')]);
			await expect.poll(() => app.store.getSnapshot().agent.state, waitLong).toBe('not-ready');
			await expect.poll(tabUrls, waitLong).toEqual([`${crm.origin}/landing`, `${crm.origin}/tickets`, `${crm.origin}/customers`]);
		});
	},
);
