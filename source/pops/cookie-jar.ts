// The cookies hidden pops share with each other and with the home URL's hidden visit: the
// original's hidden pop window shared the main window's cookies, so a CRM that logs the agent
// in on the home page sees the same session on every pop. tough-cookie's CookieJar does the
// RFC 6265 rules (domain, path, expiry, Secure) — a jar is per origin by design, as a
// browser's is. This module only adds persistence: the jar is saved as JSON in the data dir
// after every change (temp file, fsync, rename: a crash leaves the old or the new file, never
// half of one) and loaded at start. The file holds session credentials: mode 0600.
import {readFile} from 'node:fs/promises';
import {Cookie, CookieJar} from 'tough-cookie';
import {writeFileAtomic} from '../storage/atomic-write.js';

export interface PopCookieJar {
	/** The Cookie header for a request to `url` ('' when none applies). */
	cookieHeader(url: string): Promise<string>;
	/** Stores the Set-Cookie headers of a response from `url`, then saves the jar. Bad cookies are ignored, as browsers do. */
	store(url: string, setCookie: readonly string[]): Promise<void>;
	/** Resolves once every save started so far is on disk. */
	flush(): Promise<void>;
}

export interface CookieJarOptions {
	/** The JSON file in the data dir. */
	file: string;
	/** Time for expiry decisions (the injected clock's now). */
	now: () => number;
	/**
	 * Treat http://localhost and loopback addresses as secure, as browsers do (default true).
	 * Off: Secure cookies are stored and sent over https only.
	 */
	secureOnLocal?: boolean;
	/** A jar file that could not be read (corrupt): reported, then started empty. */
	onError?: (message: string) => void;
}

export async function createCookieJar(options: CookieJarOptions): Promise<PopCookieJar> {
	const jar = new CookieJar(undefined, {allowSecureOnLocal: options.secureOnLocal ?? true});
	await load(jar, options);
	let saving: Promise<void> = Promise.resolve();

	function save(): Promise<void> {
		// One save after another, each writing the jar as it is when it runs: the last one wins.
		saving = saving.then(() => writeFileAtomic(options.file, JSON.stringify(jar.serializeSync()))).catch((error: unknown) => {
			options.onError?.(`cookie jar not saved: ${error instanceof Error ? error.message : String(error)}`);
		});
		return saving;
	}

	return {
		async cookieHeader(url) {
			// Expiry is decided here against the injected clock (tough-cookie's own check reads
			// Date.now()); creation times come from the same clock, see store().
			const now = options.now();
			const cookies = await jar.getCookies(url, {expire: false, sort: true});
			const live = cookies.filter((cookie) => {
				const expiry = cookie.expiryTime();
				return expiry === undefined || expiry > now;
			});
			if (live.length < cookies.length) {
				for (const cookie of cookies) {
					if (!live.includes(cookie) && cookie.domain && cookie.path) await jar.store.removeCookie(cookie.domain, cookie.path, cookie.key);
				}
				void save();
			}
			return live.map((cookie) => cookie.cookieString()).join('; ');
		},
		async store(url, setCookie) {
			if (setCookie.length === 0) return;
			const now = new Date(options.now());
			for (const header of setCookie) {
				const cookie = await jar.setCookie(header, url, {now, ignoreError: true});
				// tough-cookie counts Max-Age from the last access, not from when it was set
				// (RFC 6265 5.2.2): pin it to an absolute expiry on our clock instead.
				if (cookie && typeof cookie.maxAge === 'number' && cookie.maxAge > 0) {
					cookie.expires = new Date(now.getTime() + cookie.maxAge * 1000);
					cookie.maxAge = null;
				}
			}
			await save();
		},
		flush: () => saving,
	};
}

async function load(jar: CookieJar, options: CookieJarOptions): Promise<void> {
	let text: string;
	try {
		text = await readFile(options.file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') options.onError?.(`cookie jar not read: ${String(error)}`);
		return;
	}
	try {
		const parsed = JSON.parse(text) as {cookies?: unknown};
		const cookies = Array.isArray(parsed.cookies) ? parsed.cookies : [];
		for (const json of cookies) {
			const cookie = Cookie.fromJSON(json);
			if (cookie) await jar.store.putCookie(cookie);
		}
	} catch (error) {
		options.onError?.(`cookie jar ${options.file} is corrupt, starting empty: ${String(error)}`);
	}
}
