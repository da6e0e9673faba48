// Where ctidesk keeps its files: the config in the user's config dir, history, pop outbox and
// journal in the data dir, the log in the log dir, the instance socket/lock in a runtime dir.
import {createHash} from 'node:crypto';
import {realpathSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import envPaths from 'env-paths';

export interface Paths {
	/** The JSON config file. */
	configFile: string;
	/** Folder of this instance's data files (history, outbox, journal, call-id counter). */
	dataDir: string;
	logFile: string;
	/** Finished calls, JSON lines. */
	historyFile: string;
	/** Durable queue of hidden pops still to deliver. */
	outboxDir: string;
	/** Pops already fired, per (callid, kind): fire exactly once even across restarts. */
	journalFile: string;
	/** Last call-id sequence number, so ids stay unique across restarts. */
	callIdFile: string;
	/** Socket/lock of a running instance, found by `ctidesk attach`. */
	runtimeDir: string;
	/** The managed browser's own profile (cookies of the CRM, its windows): browser.mode "managed". */
	browserProfileDir: string;
}

export interface ResolvePathsOptions {
	/** `--config PATH`, relative to `cwd`. */
	configPath?: string | undefined;
	/** Environment to read CTIDESK_CONFIG_DIR, CTIDESK_DATA_DIR and XDG_RUNTIME_DIR from. */
	env?: NodeJS.ProcessEnv;
	cwd?: string;
}

const configFileName = 'config.json';

/**
 * Resolves every path ctidesk uses.
 *
 * - CTIDESK_CONFIG_DIR replaces the config dir (the file is `config.json` in it).
 * - CTIDESK_DATA_DIR replaces the data dir; the log and runtime dir move under it too, so a
 *   test or a portable install writes nowhere else.
 * - `--config PATH` names another config file. Its data goes to a subfolder of the data dir
 *   named by a short hash of the file's absolute path (`config-1a2b3c4d`): two instances
 *   started with two configs are two agents, and sharing a history, a pop journal or a
 *   call-id counter would mix their calls and make one skip the other's pops. The same file
 *   always maps to the same folder, so a restart finds its outbox again. `--config` naming the
 *   default file is the default instance.
 */
export function resolvePaths({
	configPath,
	env = process.env,
	cwd = process.cwd(),
}: ResolvePathsOptions = {}): Paths {
	const system = envPaths('ctidesk', {suffix: ''});
	const configDir = nonEmpty(env['CTIDESK_CONFIG_DIR'])
		? path.resolve(cwd, env['CTIDESK_CONFIG_DIR']!)
		: system.config;
	const dataOverride = nonEmpty(env['CTIDESK_DATA_DIR'])
		? path.resolve(cwd, env['CTIDESK_DATA_DIR']!)
		: null;
	const baseDataDir = dataOverride ?? system.data;
	const baseLogDir = dataOverride ?? system.log;
	const baseRuntimeDir = dataOverride
		? path.join(dataOverride, 'run')
		: nonEmpty(env['XDG_RUNTIME_DIR'])
			? path.join(env['XDG_RUNTIME_DIR']!, 'ctidesk')
			: fallbackRuntimeDir(system.temp);

	const defaultConfigFile = path.join(configDir, configFileName);
	const configFile = configPath ? path.resolve(cwd, configPath) : defaultConfigFile;
	const instance =
		configPath && canonical(configFile) !== canonical(defaultConfigFile)
			? `config-${shortHash(canonical(configFile))}`
			: '';

	const dataDir = path.join(baseDataDir, instance);
	return {
		configFile,
		dataDir,
		logFile: path.join(baseLogDir, instance, 'ctidesk.log'),
		historyFile: path.join(dataDir, 'history.jsonl'),
		outboxDir: path.join(dataDir, 'outbox'),
		journalFile: path.join(dataDir, 'pop-journal.jsonl'),
		callIdFile: path.join(dataDir, 'call-id.json'),
		runtimeDir: path.join(baseRuntimeDir, instance),
		browserProfileDir: path.join(dataDir, 'browser-profile'),
	};
}

function nonEmpty(value: string | undefined): boolean {
	return value !== undefined && value !== '';
}

function fallbackRuntimeDir(temp: string): string {
	// env-paths' temp is tmpdir()/<user>/ctidesk on Linux and already per-user elsewhere.
	return temp || path.join(tmpdir(), 'ctidesk');
}

/** The path with symlinks resolved as far as it exists, so two spellings of one file agree. */
function canonical(file: string): string {
	try {
		return realpathSync(file);
	} catch {
		try {
			return path.join(realpathSync(path.dirname(file)), path.basename(file));
		} catch {
			return file;
		}
	}
}

function shortHash(value: string): string {
	return createHash('sha256').update(value).digest('hex').slice(0, 8);
}
