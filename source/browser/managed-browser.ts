// The managed browser's lifecycle: one Chromium-family browser with ctidesk's own profile,
// started on first use with playwright-core's launchPersistentContext and driven over the
// DevTools protocol (a pipe, never a TCP debugging port: a port on 127.0.0.1 would let any
// local user drive a browser holding the agent's CRM session).
// - The agent may close it at any time: the context's 'close' resets us, and the next pop (or
//   Ctrl+O) starts it again on the same profile.
// - A crash or kill -9 of ctidesk: the browser loses its pipe and quits; a lock left behind is
//   handled by profile-lock.ts before the next launch.
import {mkdirSync} from 'node:fs';
import type {BrowserContext, CDPSession, Page} from 'playwright-core';
import {prepareProfile, type LockProbe} from './profile-lock.js';

export interface LaunchSettings {
	executable: string;
	headless: boolean;
}

export type LaunchContext = (profileDir: string, settings: LaunchSettings) => Promise<BrowserContext>;

export interface BrowserActivity {
	add(level: 'info' | 'warn' | 'error', source: string, text: string): void;
}

export interface ManagedBrowserOptions {
	profileDir: string;
	/** Read at every launch, so a changed executable or headless applies to the next start. */
	settings: () => LaunchSettings;
	launch?: LaunchContext;
	activity?: BrowserActivity;
	lockProbe?: LockProbe;
}

export interface Session {
	context: BrowserContext;
	/** The browser-level DevTools session (windows, targets). */
	cdp: CDPSession;
}

export interface ManagedBrowser {
	/** The running browser, started (or started again) when needed. */
	session(): Promise<Session>;
	/** Whether a browser is up right now. */
	running(): boolean;
	/** Called with every new session (main window and hidden pages forget the old one's pages). */
	onSession(listener: (session: Session) => void): () => void;
	/**
	 * Opens a page: a new window with the bounds given, or a tab in the last active window.
	 * Openings run one at a time; `before` runs first inside the turn (the main window brings its
	 * tab to the front, so its new tab cannot land in a pop window opened meanwhile).
	 */
	openTarget(url: string, window: WindowBounds | null, before?: () => Promise<unknown>): Promise<Page>;
	close(): Promise<void>;
}

export interface WindowBounds {
	width: number;
	height: number;
	x?: number | undefined;
	y?: number | undefined;
	/** 'minimized': out of sight from the start (hidden pops). */
	state?: 'minimized';
}

/** Flags every managed launch gets. */
function launchArgs(settings: LaunchSettings): string[] {
	const args = ['--no-first-run', '--no-default-browser-check'];
	// Chromium refuses to start as root without it (containers, CI): there is no other way.
	if (process.getuid?.() === 0) args.push('--no-sandbox');
	if (settings.headless) {
		args.push('--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync');
	}
	return args;
}

export const launchWithPlaywright: LaunchContext = async (profileDir, settings) => {
	const {chromium} = await import('playwright-core');
	return chromium.launchPersistentContext(profileDir, {
		executablePath: settings.executable,
		headless: settings.headless,
		// Pages take the size of their window (the pop's configured size), not an emulated one.
		viewport: null,
		args: launchArgs(settings),
		// No "controlled by automated test software" bar in the agent's main window.
		ignoreDefaultArgs: ['--enable-automation'],
		// ctidesk decides when the browser ends (its own signal handling, house rule 8).
		handleSIGINT: false,
		handleSIGTERM: false,
		handleSIGHUP: false,
	});
};

export function createManagedBrowser(options: ManagedBrowserOptions): ManagedBrowser {
	const launch = options.launch ?? launchWithPlaywright;
	let current: Session | null = null;
	let starting: Promise<Session> | null = null;
	let closing = false;
	const listeners = new Set<(session: Session) => void>();
	const targetIds = new WeakMap<Page, string>();
	let openings: Promise<unknown> = Promise.resolve();

	async function start(): Promise<Session> {
		const settings = options.settings();
		mkdirSync(options.profileDir, {recursive: true, mode: 0o700});
		const context = await launchOnProfile(settings).catch(async (error: unknown) => {
			// A browser that was just closed may still hold the profile for a moment: once more.
			options.activity?.add('warn', 'browser', `The browser did not start (${describe(error)}); trying once more.`);
			await new Promise((resolve) => setTimeout(resolve, 1000));
			return launchOnProfile(settings);
		});
		const browser = context.browser();
		if (!browser) {
			await context.close();
			throw new Error('the browser gave no DevTools session');
		}
		const session: Session = {context, cdp: await browser.newBrowserCDPSession()};
		context.on('close', () => {
			if (current === session) current = null;
			if (!closing) options.activity?.add('info', 'browser', 'The browser was closed; the next pop opens it again.');
		});
		current = session;
		closing = false;
		options.activity?.add('info', 'browser', `Started the managed browser (${settings.executable}${settings.headless ? ', headless' : ''}).`);
		for (const listener of listeners) listener(session);
		return session;
	}

	async function launchOnProfile(settings: LaunchSettings): Promise<BrowserContext> {
		const done = await prepareProfile(options.profileDir, options.lockProbe);
		if (done) options.activity?.add('warn', 'browser', done);
		return launch(options.profileDir, settings);
	}

	async function session(): Promise<Session> {
		if (current) return current;
		starting ??= start().finally(() => {
			starting = null;
		});
		return starting;
	}

	async function targetIdOf(context: BrowserContext, page: Page): Promise<string | null> {
		const known = targetIds.get(page);
		if (known) return known;
		try {
			const cdp = await context.newCDPSession(page);
			const {targetInfo} = (await cdp.send('Target.getTargetInfo')) as {targetInfo: {targetId: string}};
			await cdp.detach().catch(() => undefined);
			targetIds.set(page, targetInfo.targetId);
			return targetInfo.targetId;
		} catch {
			return null;
		}
	}

	/**
	 * The Page playwright makes for a target we create (it attaches to every new target). The
	 * 'page' listener is in place before the target exists, so its event cannot be missed.
	 */
	async function createPage(context: BrowserContext, cdp: CDPSession, params: Record<string, unknown>): Promise<Page> {
		const arrived: Page[] = [];
		let wake: (() => void) | null = null;
		const onPage = (page: Page) => {
			arrived.push(page);
			wake?.();
		};
		context.on('page', onPage);
		try {
			const {targetId} = (await cdp.send('Target.createTarget', params as never)) as {targetId: string};
			const candidates = [...context.pages()];
			const deadline = Date.now() + 10_000;
			const checked = new Set<Page>();
			for (;;) {
				for (const page of [...candidates, ...arrived]) {
					if (checked.has(page)) continue;
					checked.add(page);
					if ((await targetIdOf(context, page)) === targetId) return page;
				}
				const left = deadline - Date.now();
				if (left <= 0) throw new Error('the browser opened no page for the new window');
				await new Promise<void>((resolve) => {
					wake = resolve;
					setTimeout(resolve, Math.min(left, 250));
				});
				wake = null;
			}
		} finally {
			context.off('page', onPage);
		}
	}

	return {
		session,
		running: () => current !== null,
		onSession(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		async openTarget(url, window, before) {
			const {context, cdp} = await session();
			const params: Record<string, unknown> = {url};
			if (window) {
				params['newWindow'] = true;
				params['width'] = window.width;
				params['height'] = window.height;
				if (window.x !== undefined) params['left'] = window.x;
				if (window.y !== undefined) params['top'] = window.y;
				if (window.state) params['windowState'] = window.state;
			}
			const turn = openings.then(async () => {
				await before?.().catch(() => undefined);
				return createPage(context, cdp, params);
			});
			openings = turn.catch(() => undefined);
			return turn;
		},
		async close() {
			const open = current ?? (starting ? await starting.catch(() => null) : null);
			if (!open) return;
			closing = true;
			current = null;
			await open.context.close().catch(() => undefined);
		},
	};
}

function describe(error: unknown): string {
	return error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
}
