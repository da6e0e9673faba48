// The config the running desk uses, as saved: one holder that every consumer reads at the moment
// it needs a value (the local API per request, pops per pop, the session per wrap-up, the TUI
// through desk.liveSettings), so what the settings screen saves applies from the next request on.
import type {Config} from './config/schema.js';
import type {ExternalSource} from './core/desk.js';

export interface LiveConfig extends ExternalSource<Config> {
	/** Makes `next` the config in use and tells the subscribers. */
	replace(next: Config): void;
}

export function createLiveConfig(initial: Config): LiveConfig {
	let current = initial;
	const listeners = new Set<() => void>();
	return {
		getSnapshot: () => current,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		replace(next) {
			current = next;
			for (const listener of listeners) listener();
		},
	};
}
