// The in-process Desk: the TUI's view of a running app (store, activity, server, pops, settings).
import type {App} from './app.js';
import {hashPassword, verifyPassword} from './config/password.js';
import {validateConfig, type Config} from './config/schema.js';
import {saveConfig} from './config/store.js';
import {formatPopWindow} from './browser/pop-window-text.js';
import type {AdminSettings, Desk, DeskSettings, SettingsField} from './ui/desk.js';

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

/** What a TUI needs to know of the config (also sent to attached TUIs). */
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

/** The settings screen's backend: admin password and config edits, saved atomically to `configFile`. */
export function createAdminSettings(initial: Config, configFile: string): AdminSettings {
	let config = initial;
	const save = (next: Config) => {
		const result = saveConfig(configFile, next);
		if (result.ok) config = next;
		return result;
	};
	return {
		hasPassword: () => config.admin.passwordHash !== null,
		verifyPassword: (plain) =>
			config.admin.passwordHash !== null && verifyPassword(plain, config.admin.passwordHash),
		setPassword(plain) {
			const result = save({...config, admin: {passwordHash: hashPassword(plain)}});
			return result.ok ? {ok: true} : {ok: false, code: 'bad-input', message: result.message};
		},
		fields: () => settingsFields(config),
		save(values) {
			const validated = validateConfig(applySettings(config, values), configFile);
			if (!validated.ok)
				return {ok: false, message: validated.message.split('\n').slice(0, 2).join(' ')};
			const result = save(validated.config);
			return result.ok
				? {ok: true, file: configFile, needsReconnect: false}
				: {ok: false, message: result.message};
		},
	};
}

export function createDesk(app: App, configFile: string): Desk {
	const config = app.config;
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
		settings: deskSettings(config),
		openLink: app.openLink,
		reopenLastPop: app.reopenLastPop,
		admin: createAdminSettings(config, configFile),
		now: Date.now,
		mode: 'local',
	};
}
