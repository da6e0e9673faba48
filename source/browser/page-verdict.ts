// What a hidden pop's page load means for the outbox. A CRM whose call-log page checks its
// login cookie answers a browser that is not logged in with 401/403, or with a redirect to its
// login page (answered 200): neither is a delivered pop. Both are kept in the outbox and
// retried, and the agent is told to log in to the CRM in the main window (same profile, so the
// next attempt carries the cookie).
//
// How the login page is recognised (issue 15 asked to choose):
// 1. `browser.loginUrl`, when set: a final URL starting with it is the login page. Exact, and
//    the only way for a login page that has no password field (single sign-on buttons) or that
//    is reached by a script rather than an HTTP redirect.
// 2. Otherwise a heuristic needing no configuration: the request was REDIRECTED to a page whose
//    path differs from the one asked for, and that page has a password field. A call-log URL
//    never legitimately ends on a page asking for a password, and a CRM that answers the pop
//    URL itself with a form (no redirect) is not misread as "not logged in".
export interface PageLoad {
	requestedUrl: string;
	/** The page's URL after redirects. */
	finalUrl: string;
	/** The main document's status after redirects; null when nothing answered. */
	status: number | null;
	/** At least one HTTP redirect happened on the way. */
	redirected: boolean;
	hasPasswordField: boolean;
}

export type PageVerdict =
	| {type: 'delivered'; status: number}
	| {type: 'retry'; reason: string; retryAfterMs: number | null}
	| {type: 'failed'; status: number | null; reason: string};

export const loginAdvice = 'log in to the CRM in the main window';

function pathOf(url: string): string | null {
	try {
		return new URL(url).pathname;
	} catch {
		return null;
	}
}

export function isLoginPage(load: PageLoad, loginUrl: string): boolean {
	if (loginUrl !== '' && load.finalUrl.startsWith(loginUrl)) return true;
	return load.redirected && load.hasPasswordField && pathOf(load.finalUrl) !== pathOf(load.requestedUrl);
}

export function classifyPageLoad(load: PageLoad, loginUrl: string): PageVerdict {
	const {status} = load;
	if (status === null) return {type: 'retry', reason: 'the CRM did not answer', retryAfterMs: null};
	if (status === 401 || status === 403) {
		return {type: 'retry', reason: `the CRM answered HTTP ${status}: ${loginAdvice}`, retryAfterMs: null};
	}
	if (isLoginPage(load, loginUrl)) {
		return {type: 'retry', reason: `the CRM sent the pop to its login page (${pathOf(load.finalUrl) ?? load.finalUrl}): ${loginAdvice}`, retryAfterMs: null};
	}
	if (status >= 200 && status < 300) return {type: 'delivered', status};
	if (status === 408 || status === 425 || status === 429 || status >= 500) {
		return {type: 'retry', reason: `HTTP ${status}`, retryAfterMs: null};
	}
	return {type: 'failed', status, reason: `HTTP ${status}`};
}
