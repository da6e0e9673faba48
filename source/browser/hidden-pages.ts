// Hidden pops in the managed browser: the pop URL is loaded in a page of the SAME profile as the
// main window, so it carries exactly the CRM's cookies (HttpOnly ones too) and runs the page's
// script, like the original's hidden window. Pages live in windows the agent does not see
// (minimised; with headless there are no windows at all) and are reused, so a pop costs a page
// load, not a window.
import type {Page, Response} from 'playwright-core';
import type {ManagedBrowser} from './managed-browser.js';
import {classifyPageLoad, type PageVerdict} from './page-verdict.js';

export interface HiddenPages {
	/** Loads `url` in a hidden page and says what its main document answered. */
	deliver(url: string, options: {loginUrl: string; signal: AbortSignal; timeoutMs: number}): Promise<PageVerdict>;
}

/** At most this many hidden pages stay open between pops. */
const poolLimit = 4;

export function createHiddenPages(browser: ManagedBrowser): HiddenPages {
	let idle: Page[] = [];
	browser.onSession(() => {
		idle = [];
	});

	async function takePage(): Promise<Page> {
		for (;;) {
			const page = idle.pop();
			if (!page) break;
			if (!page.isClosed()) return page;
		}
		const page = await browser.openTarget('about:blank', {width: 400, height: 300, state: 'minimized'});
		const {cdp} = await browser.session();
		// Out of sight: a minimised window from the start (headless has none to show); minimised
		// again for browsers older than Target.createTarget's windowState.
		try {
			const {windowId} = (await cdp.send('Browser.getWindowForTarget', {targetId: await targetId(page)} as never)) as {windowId: number};
			await cdp.send('Browser.setWindowBounds', {windowId, bounds: {windowState: 'minimized'}} as never);
		} catch {
			// Not fatal: the page still delivers the pop.
		}
		return page;
	}

	async function targetId(page: Page): Promise<string> {
		const session = await page.context().newCDPSession(page);
		try {
			const {targetInfo} = (await session.send('Target.getTargetInfo')) as {targetInfo: {targetId: string}};
			return targetInfo.targetId;
		} finally {
			await session.detach().catch(() => undefined);
		}
	}

	function release(page: Page) {
		if (page.isClosed()) return;
		// The page keeps the last pop loaded until the next one, as the original's hidden window
		// did; going to about:blank in between would cost the next pop a new window (bench/managed-pop).
		if (idle.length >= poolLimit) void page.close().catch(() => undefined);
		else idle.push(page);
	}

	return {
		async deliver(url, {loginUrl, signal, timeoutMs}) {
			let page: Page;
			try {
				page = await takePage();
			} catch (error) {
				return {type: 'retry', reason: `the managed browser did not start: ${describe(error)}`, retryAfterMs: null};
			}
			// A 204 answer commits no document, so goto fails: the last main-document response tells.
			let lastResponse: Response | null = null;
			const onResponse = (response: Response) => {
				if (response.frame() === page.mainFrame() && response.request().isNavigationRequest()) lastResponse = response;
			};
			page.on('response', onResponse);
			const abort = () => void page.close().catch(() => undefined);
			signal.addEventListener('abort', abort, {once: true});
			let reusable = true;
			try {
				const response = await page.goto(url, {waitUntil: 'load', timeout: timeoutMs}).catch((error: unknown) => {
					const seen = lastResponse as Response | null;
					if (seen && (seen.status() === 204 || seen.status() === 205)) return seen;
					throw error;
				});
				const status = response?.status() ?? null;
				const redirected = response?.request().redirectedFrom() != null;
				const verdict = classifyPageLoad(
					{
						requestedUrl: url,
						finalUrl: page.url(),
						status,
						redirected,
						// Only a redirect can end on the login page (page-verdict.ts): look for the field only then.
						hasPasswordField: redirected && (await page.locator('input[type=password]').count().catch(() => 0)) > 0,
					},
					loginUrl,
				);
				return verdict;
			} catch (error) {
				// A page that failed to load (crashed, timed out) is not trusted with the next pop.
				reusable = false;
				const reason = signal.aborted ? describe(signal.reason) : describe(error).split('\n')[0]!;
				return {type: 'retry', reason, retryAfterMs: null};
			} finally {
				signal.removeEventListener('abort', abort);
				page.off('response', onResponse);
				if (reusable) release(page);
				else void page.close().catch(() => undefined);
			}
		},
	};
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
