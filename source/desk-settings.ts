// The part of the config the TUI reads (language, keys, reasons, codes, links…), from one place
// for the in-process desk, the app and /api/instance.
import type {Config} from './config/schema.js';
import type {DeskSettings} from './core/desk.js';

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
