// The in-process Desk: the TUI's view of a running app (store, activity, server, pops, settings).
import type {App, Applied} from './app.js';
import {verifyPassword} from './config/password.js';
import {validateConfig, type Config} from './config/schema.js';
import {saveConfig} from './config/store.js';
import {formatPopWindow} from './browser/pop-window-text.js';
import type {AdminSettings, Desk, SettingsField} from './core/desk.js';
import {refuse, type Result} from './core/types.js';
import {deskSettings} from './desk-settings.js';

export {deskSettings} from './desk-settings.js';

const popModes = ['browser', 'hidden', 'off'] as const;

/** The fields the settings screen edits, as dotted paths into the config. */
export function settingsFields(config: Config): SettingsField[] {
	const fields: SettingsField[] = [
		{path: 'pops.home.url', value: config.pops.home.url},
		{path: 'pops.home.mode', value: config.pops.home.mode, choices: popModes},
		{path: 'pops.ring.url', value: config.pops.ring.url},
		{path: 'pops.ring.mode', value: config.pops.ring.mode, choices: popModes},
		{path: 'pops.answer.url', value: config.pops.answer.url},
		{path: 'pops.answer.mode', value: config.pops.answer.mode, choices: popModes},
		{path: 'pops.hangup.url', value: config.pops.hangup.url},
		{path: 'pops.hangup.mode', value: config.pops.hangup.mode, choices: popModes},
		// Issue 15 (browser helper): the browser section and the pop windows ("900x700+40+40", "" = a tab).
		{path: 'browser.mode', value: config.browser.mode, choices: ['managed', 'system', 'remote']},
		{path: 'browser.executable', value: config.browser.executable},
		{path: 'pops.ring.window', value: formatPopWindow(config.pops.ring.window)},
		{path: 'pops.answer.window', value: formatPopWindow(config.pops.answer.window)},
		{path: 'pops.hangup.window', value: formatPopWindow(config.pops.hangup.window)},
		{path: 'pbx.driver', value: config.pbx.driver, choices: ['sim', 'asterisk']},
		{path: 'pbx.asterisk.host', value: config.pbx.asterisk.host},
		{path: 'pbx.asterisk.port', value: String(config.pbx.asterisk.port)},
		{path: 'pbx.asterisk.username', value: config.pbx.asterisk.username},
		{path: 'pbx.asterisk.secret', value: config.pbx.asterisk.secret},
		{path: 'pbx.asterisk.interface', value: config.pbx.asterisk.interface},
		{path: 'agent.user', value: config.agent.user},
		{path: 'agent.agentId', value: config.agent.agentId},
		{path: 'agent.empId', value: config.agent.empId},
		{path: 'agent.extension', value: config.agent.extension},
		{path: 'agent.groups', value: config.agent.groups.join(',')},
		{path: 'server.port', value: String(config.server.port)},
		{path: 'server.allowedOrigins', value: config.server.allowedOrigins.join(',')},
		{path: 'wrapUpSeconds', value: String(config.wrapUpSeconds)},
		{path: 'language', value: config.language, choices: ['en', 'zh-CN']},
	];
	return fields;
}

const listFields = new Set(['agent.groups', 'server.allowedOrigins']);
const numberFields = new Set(['pbx.asterisk.port', 'server.port', 'wrapUpSeconds']);

/** Applies edited field values to a copy of the config; the schema decides what is valid. */
export function applySettings(config: Config, values: Record<string, string>): unknown {
	const copy = structuredClone(config) as unknown as Record<string, unknown>;
	for (const [path, raw] of Object.entries(values)) {
		const keys = path.split('.');
		let target = copy;
		for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
		const last = keys[keys.length - 1]!;
		target[last] = listFields.has(path)
			? raw
					.split(',')
					.map((item) => item.trim())
					.filter(Boolean)
			: numberFields.has(path) && /^\d+$/.test(raw.trim())
				? Number(raw.trim())
				: raw;
	}
	return copy;
}

/** Where the settings screen saves to and what applies them: the running app, or (tests) nothing more than the file. */
export interface SettingsHost {
	/** The config as in the file, without command-line flags. */
	fileConfig(): Config;
	/** Makes a config just saved the one in use. */
	applySaved(saved: Config): Applied;
	reconnect?(): Promise<Result>;
}

/** A host that only remembers what was saved (a desk without a running app). */
function fileOnly(initial: Config): SettingsHost {
	let saved = initial;
	return {
		fileConfig: () => saved,
		applySaved(next) {
			saved = next;
			return {needsReconnect: false};
		},
	};
}

/** How to set the admin password: the installer does it, never the first person at the desk. */
export const adminPasswordHint =
	'No admin password is set: the installer sets one with `ctidesk set-admin-password` (or admin.passwordHash in the config).';

/** The settings screen's backend: config edits, saved atomically to `configFile` and applied at once. */
export function createAdminSettings(target: SettingsHost | Config, configFile: string): AdminSettings {
	const host = 'fileConfig' in target ? target : fileOnly(target);
	const passwordHash = () => host.fileConfig().admin.passwordHash;
	const admin: AdminSettings = {
		hasPassword: () => passwordHash() !== null,
		verifyPassword(plain) {
			const hash = passwordHash();
			return hash !== null && verifyPassword(plain, hash);
		},
		// Setting it from the desk would let the first person to press `s` own the settings.
		setPassword: () => refuse('not-allowed', adminPasswordHint),
		fields: () => settingsFields(host.fileConfig()),
		save(values) {
			const validated = validateConfig(applySettings(host.fileConfig(), values), configFile);
			if (!validated.ok) return {ok: false, message: validated.message.split('\n').slice(0, 2).join(' ')};
			const result = saveConfig(configFile, validated.config);
			if (!result.ok) return {ok: false, message: result.message};
			const {needsReconnect} = host.applySaved(validated.config);
			return {ok: true, file: configFile, needsReconnect};
		},
	};
	if (host.reconnect) admin.reconnect = host.reconnect;
	return admin;
}

export function createDesk(app: App, configFile: string): Desk {
	return {
		session: {
			getSnapshot: app.store.getSnapshot,
			subscribe: app.store.subscribe,
			run: app.store.run,
		},
		capabilities: app.store.capabilities,
		activity: {getSnapshot: app.activity.getEntries, subscribe: app.activity.subscribe},
		pops: app.pops,
		server: app.server,
		settings: {...deskSettings(app.config), configFile},
		liveSettings: app.liveSettings,
		originRequests: app.originRequests,
		openLink: app.openLink,
		reopenLastPop: app.reopenLastPop,
		admin: createAdminSettings(app, configFile),
		now: Date.now,
		mode: 'local',
	};
}
