// The rules of one pop ({url, mode, window}) and of the browser section (issue 15).
import {z} from 'zod';
import {boolean, integer, oneOf, optionalHttpUrl, port, section, text} from './value-rules.js';

export const popModes = ['browser', 'hidden', 'off'] as const;

// --- browser (issue 15): the managed browser, system browser or opener over SSH -------------

export const windowMessage =
	'must be {"width", "height"} with optional "x", "y" (pixels), or text like "900x700" or "900x700+40+40"; "" for a tab';

/** "900x700" or "900x700+40+40" (X11 geometry), the form the settings screen edits. */
export const windowGeometry =
	/^\s*(\d{1,5})\s*x\s*(\d{1,5})\s*(?:([+-]\d{1,5})\s*([+-]\d{1,5}))?\s*$/;

/** A pop window's size and position; absent (or "") opens the pop as a tab. */
export function popWindow() {
	const object = z.strictObject(
		{
			width: integer(200, 10_000),
			height: integer(150, 10_000),
			x: integer(-10_000, 10_000).optional(),
			y: integer(-10_000, 10_000).optional(),
		},
		{error: windowMessage},
	);
	const geometry = z.string({error: windowMessage}).transform((value, context) => {
		if (value.trim() === '') return undefined;
		const match = windowGeometry.exec(value);
		const parsed = match
			? object.safeParse({
					width: Number(match[1]),
					height: Number(match[2]),
					...(match[3] === undefined ? {} : {x: Number(match[3]), y: Number(match[4])}),
				})
			: null;
		if (parsed?.success) return parsed.data;
		context.addIssue({code: 'custom', input: value, message: windowMessage});
		return z.NEVER;
	});
	return z.union([object, geometry], {error: windowMessage}).optional();
}

export const browserModes = ['managed', 'system', 'remote'] as const;

/** The "browser" section: how visible pops, the home page and hidden pops reach a browser. */
export function browserSection() {
	return section({
		/** managed: ctidesk drives a Chromium-family browser; system: the default browser; remote: `ctidesk opener` over SSH. */
		mode: oneOf(browserModes).default('managed'),
		/** managed: the Chromium/Chrome/Edge binary ('' = find one); system: a command with {url} ('' = the default browser). */
		executable: text(1024, {allowEmpty: true}).default(''),
		/** managed: run the browser without windows (tests, kiosks). */
		headless: boolean().default(false),
		/** A URL prefix of the CRM's login page: a hidden pop that ends there is "not logged in" ('' = recognise it by its password field). */
		loginUrl: optionalHttpUrl().default(''),
		remote: section({
			/** The opener's port on the agent's machine, forwarded with `ssh -R 2226:127.0.0.1:2226`. */
			port: port().default(2226),
			/** The token `ctidesk opener` printed at setup ('' = no opener: pops show as links). */
			token: z
				.string({
					error: 'must be "" or the token ctidesk opener printed (letters, digits, - and _)',
				})
				.regex(/^[A-Za-z0-9_-]{0,128}$/, {
					error: 'must be "" or the token ctidesk opener printed (letters, digits, - and _)',
				})
				.default(''),
		}),
	});
}

export function pop(defaultMode: (typeof popModes)[number]) {
	return section({
		url: optionalHttpUrl().default(''),
		mode: oneOf(popModes).default(defaultMode),
		/** Managed browser: open this pop as a window of this size and position (absent: a tab). */
		window: popWindow(),
	});
}
