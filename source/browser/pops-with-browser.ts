// The pops view with the browser's status beside it (the status panel says which browser mode
// is active and why). Memoised on both inputs: useSyncExternalStore needs the same object back
// until something changed.
import type {BrowserStatus} from './browser-service.js';

export function createPopsWithBrowser<View extends object>() {
	let last: {view: View; browser: BrowserStatus | null; merged: View & {browser?: BrowserStatus}} | null = null;
	return (view: View, browser: BrowserStatus | null): View & {browser?: BrowserStatus} => {
		if (last && last.view === view && last.browser === browser) return last.merged;
		const merged = browser ? {...view, browser} : view;
		last = {view, browser, merged};
		return merged;
	};
}
