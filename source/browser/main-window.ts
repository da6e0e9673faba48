// ctidesk's "main window" in the managed browser (the original's framework window): before
// login it shows the home URL; after login one window holds a tab per preset URL — the home URL
// first (with user/sid or the legacy parameters, as pop-url.ts builds them), then `links` in
// order. When the CRM logged the agent in through login.cgi in this window, login.cgi's
// redirect has already put the CRM page the CRM asked for in the first tab: it stays there
// instead of being replaced by the home URL.
import type {Page, Request} from 'playwright-core';
import type {ManagedBrowser} from './managed-browser.js';

export interface MainWindow {
	/** Lays the window out for `homeUrl` (bare before login) and, when logged in, the links. */
	show(homeUrl: string, layout: {loggedIn: boolean; links: readonly string[]}): Promise<void>;
	/** The tabs in order (tests and the status). */
	tabs(): Page[];
	/** Makes the main window the active one (a pop opened as a tab then lands in it). */
	front(): Promise<void>;
	/** A page of the main window finished navigating (the agent may just have logged in to the CRM). */
	onNavigated(listener: () => void): () => void;
}

export interface MainWindowOptions {
	/** True for a request to this desk's own login.cgi (the local API's origin). */
	isLoginCgi(url: string): boolean;
	now?: () => number;
}

/** A URL of this desk's own login.cgi on the local API's port (the CRM logging the agent in). */
export function isOwnLoginCgi(url: string, port: number | null): boolean {
	if (port === null || !URL.canParse(url)) return false;
	const parsed = new URL(url);
	const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
	return loopback && Number(parsed.port || 80) === port && parsed.pathname === '/cgi-bin/login.cgi';
}

/** How long after a login.cgi redirect in the first tab it counts as "the CRM logged us in here". */
const loginCgiWindowMs = 30_000;

export function createMainWindow(browser: ManagedBrowser, options: MainWindowOptions): MainWindow {
	const now = options.now ?? Date.now;
	let tabs: Page[] = [];
	let loginCgiAt = -Infinity;
	const navigatedListeners = new Set<() => void>();
	/** Layouts asked for and not finished. */
	let showing = 0;
	/** What the window last showed (in memory only: the home URL holds the sid). */
	let lastLayout: {homeUrl: string; loggedIn: boolean; links: readonly string[]} | null = null;
	/** The URL each link tab was opened with (its own URL may have moved on by a redirect). */
	const intended = new WeakMap<Page, string>();
	browser.onSession((session) => {
		tabs = [];
		// The window the browser starts with becomes the first tab.
		const first = session.context.pages()[0];
		if (first) adoptFirst(first);
		// Started again by a pop (the agent had closed it): the main window comes back as it was.
		// Not when a layout is what started it: that one is about to be shown anyway.
		if (lastLayout && showing === 0) void show(lastLayout.homeUrl, lastLayout).catch(() => undefined);
	});

	function watch(page: Page) {
		page.on('close', () => {
			tabs = tabs.filter((tab) => tab !== page);
		});
		page.on('load', () => {
			for (const listener of navigatedListeners) listener();
		});
	}

	function adoptFirst(page: Page) {
		tabs = [page];
		watch(page);
		page.on('request', (request: Request) => {
			if (
				request.isNavigationRequest() &&
				request.frame() === page.mainFrame() &&
				options.isLoginCgi(request.url())
			)
				loginCgiAt = now();
		});
	}

	async function firstTab(): Promise<{page: Page; fresh: boolean}> {
		await browser.session();
		const open = tabs[0];
		if (open && !open.isClosed()) return {page: open, fresh: false};
		const page = await browser.openTarget('about:blank', null);
		adoptFirst(page);
		return {page, fresh: true};
	}

	async function goto(page: Page, url: string) {
		// 'commit': the pop is handed over once the CRM answers; the page keeps loading on its own.
		await page.goto(url, {waitUntil: 'commit'}).catch(() => undefined);
	}

	async function layOut(
		homeUrl: string,
		{loggedIn, links}: {loggedIn: boolean; links: readonly string[]},
	) {
		const {page: first, fresh} = await firstTab();
		// ctidesk may serve login.cgi (and get here) before the browser's report of that request
		// reached us: one round trip to the browser delivers every event it sent before.
		if (loggedIn)
			await (await browser.session()).cdp.send('Browser.getVersion').catch(() => undefined);
		const landedByLoginCgi = loggedIn && !fresh && now() - loginCgiAt < loginCgiWindowMs;
		if (!landedByLoginCgi) await goto(first, homeUrl);
		const wanted = loggedIn ? links : [];
		// Keep the tabs already showing the right link; replace the rest, in order.
		for (const [index, url] of wanted.entries()) {
			const existing = tabs[index + 1];
			if (existing && !existing.isClosed() && intended.get(existing) === url) continue;
			const page = await browser.openTarget(url, null, () => first.bringToFront());
			intended.set(page, url);
			watch(page);
			if (existing && !existing.isClosed()) await existing.close().catch(() => undefined);
			tabs = [...tabs.slice(0, index + 1), page, ...tabs.slice(index + 2)];
		}
		for (const extra of tabs.slice(wanted.length + 1)) await extra.close().catch(() => undefined);
		tabs = tabs.slice(0, wanted.length + 1);
	}

	// One layout at a time: a restart's restore and the login that caused it must not both add tabs.
	let laying: Promise<unknown> = Promise.resolve();
	function show(homeUrl: string, layout: {loggedIn: boolean; links: readonly string[]}): Promise<void> {
		lastLayout = {homeUrl, ...layout};
		showing += 1;
		const run = laying.then(() => layOut(homeUrl, layout)).finally(() => (showing -= 1));
		laying = run.catch(() => undefined);
		return run;
	}

	return {
		show,
		tabs: () => tabs.filter((tab) => !tab.isClosed()),
		async front() {
			const first = tabs[0];
			if (first && !first.isClosed()) await first.bringToFront().catch(() => undefined);
		},
		onNavigated(listener) {
			navigatedListeners.add(listener);
			return () => navigatedListeners.delete(listener);
		},
	};
}
