// The part of the config the TUI reads (language, keys, reasons, codes, links…), from one place
// for the in-process desk, the app and /api/instance.
import type {Config} from './config/schema.js';
import type {DeskSettings, ExternalSource} from './core/desk.js';

/** The settings the TUI reads, from the config as saved. */
export function deskSettings(config: Config): DeskSettings {
	return {
		language: config.language,
		agentUser: config.agent.user,
		reasons: config.reasons,
		dispositions: config.dispositions,
		links: config.links,
		keys: config.keys,
		logoutOnExit: config.logoutOnExit,
	};
}

/** The TUI's settings as saved, following the config in use: one object per saved config (useSyncExternalStore needs that). */
export function liveDeskSettings(config: ExternalSource<Config>): ExternalSource<DeskSettings> {
	let from = config.getSnapshot();
	let settings = deskSettings(from);
	return {
		getSnapshot() {
			const current = config.getSnapshot();
			if (current !== from) {
				from = current;
				settings = deskSettings(current);
			}
			return settings;
		},
		subscribe: config.subscribe,
	};
}
