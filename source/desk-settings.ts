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
		ring: config.ring,
		labels: config.labels,
	};
}

/** The TUI's settings as saved, following the config in use: one object per saved config (useSyncExternalStore needs that). */
export function liveDeskSettings(
	config: ExternalSource<Config>,
	configFile?: string,
): ExternalSource<DeskSettings> {
	const settingsOf = (current: Config): DeskSettings =>
		configFile === undefined ? deskSettings(current) : {...deskSettings(current), configFile};
	let from = config.getSnapshot();
	let settings = settingsOf(from);
	return {
		getSnapshot() {
			const current = config.getSnapshot();
			if (current !== from) {
				from = current;
				settings = settingsOf(current);
			}
			return settings;
		},
		subscribe: config.subscribe,
	};
}
