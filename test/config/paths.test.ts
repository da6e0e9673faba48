import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {resolvePaths} from '../../source/config/paths.js';

let root: string;

beforeEach(() => {
	root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ctidesk-paths-')));
});

afterEach(() => {
	fs.rmSync(root, {recursive: true, force: true});
});

const everyFile = ['historyFile', 'journalFile', 'callIdFile', 'outboxDir', 'browserProfileDir'] as const;

describe('resolvePaths', () => {
	it.runIf(process.platform === 'linux')(
		'uses the XDG folders of the user by default (Linux)',
		() => {
			const env = {
				XDG_CONFIG_HOME: path.join(root, 'config'),
				XDG_DATA_HOME: path.join(root, 'data'),
				XDG_STATE_HOME: path.join(root, 'state'),
				XDG_RUNTIME_DIR: path.join(root, 'run'),
			};
			// env-paths reads the XDG variables from process.env itself: stub them (vitest restores them).
			for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
			try {
				const paths = resolvePaths({env, cwd: root});
				expect(paths).toEqual({
					configFile: path.join(root, 'config', 'ctidesk', 'config.json'),
					dataDir: path.join(root, 'data', 'ctidesk'),
					logFile: path.join(root, 'state', 'ctidesk', 'ctidesk.log'),
					historyFile: path.join(root, 'data', 'ctidesk', 'history.jsonl'),
					outboxDir: path.join(root, 'data', 'ctidesk', 'outbox'),
					journalFile: path.join(root, 'data', 'ctidesk', 'pop-journal.jsonl'),
					callIdFile: path.join(root, 'data', 'ctidesk', 'call-id.json'),
					runtimeDir: path.join(root, 'run', 'ctidesk'),
					browserProfileDir: path.join(root, 'data', 'ctidesk', 'browser-profile'),
				});
			} finally {
				vi.unstubAllEnvs();
			}
		},
	);

	it('honours CTIDESK_CONFIG_DIR and CTIDESK_DATA_DIR, keeping every file under them', () => {
		const env = {
			CTIDESK_CONFIG_DIR: path.join(root, 'cfg'),
			CTIDESK_DATA_DIR: path.join(root, 'data'),
		};
		const paths = resolvePaths({env, cwd: root});
		expect(paths.configFile).toBe(path.join(root, 'cfg', 'config.json'));
		expect(paths.dataDir).toBe(path.join(root, 'data'));
		expect(paths.logFile).toBe(path.join(root, 'data', 'ctidesk.log'));
		expect(paths.runtimeDir).toBe(path.join(root, 'data', 'run'));
		for (const key of everyFile)
			expect(paths[key].startsWith(path.join(root, 'data') + path.sep)).toBe(true);
	});

	it('resolves relative overrides against the working directory and ignores empty ones', () => {
		const paths = resolvePaths({
			env: {CTIDESK_CONFIG_DIR: 'cfg', CTIDESK_DATA_DIR: 'data'},
			cwd: root,
		});
		expect(paths.configFile).toBe(path.join(root, 'cfg', 'config.json'));
		expect(paths.dataDir).toBe(path.join(root, 'data'));
		const fallback = resolvePaths({env: {CTIDESK_CONFIG_DIR: '', CTIDESK_DATA_DIR: ''}, cwd: root});
		expect(fallback.configFile.endsWith(path.join('ctidesk', 'config.json'))).toBe(true);
	});

	describe('--config', () => {
		const env = () => ({
			CTIDESK_CONFIG_DIR: path.join(root, 'cfg'),
			CTIDESK_DATA_DIR: path.join(root, 'data'),
		});

		it('uses the given file and gives it a data folder of its own', () => {
			const paths = resolvePaths({configPath: 'desk-a.json', env: env(), cwd: root});
			expect(paths.configFile).toBe(path.join(root, 'desk-a.json'));
			expect(path.dirname(paths.dataDir)).toBe(path.join(root, 'data'));
			expect(path.basename(paths.dataDir)).toMatch(/^config-[0-9a-f]{8}$/);
			expect(paths.runtimeDir).toBe(path.join(root, 'data', 'run', path.basename(paths.dataDir)));
			expect(paths.logFile).toBe(
				path.join(root, 'data', path.basename(paths.dataDir), 'ctidesk.log'),
			);
			for (const key of everyFile)
				expect(paths[key].startsWith(paths.dataDir + path.sep)).toBe(true);
		});

		it('never lets two configs share history, outbox or journal', () => {
			const a = resolvePaths({
				configPath: path.join(root, 'a', 'config.json'),
				env: env(),
				cwd: root,
			});
			const b = resolvePaths({
				configPath: path.join(root, 'b', 'config.json'),
				env: env(),
				cwd: root,
			});
			const plain = resolvePaths({env: env(), cwd: root});
			const dataDirs = new Set([a.dataDir, b.dataDir, plain.dataDir]);
			expect(dataDirs.size).toBe(3);
			for (const key of [...everyFile, 'runtimeDir'] as const)
				expect(new Set([a[key], b[key], plain[key]]).size).toBe(3);
		});

		it('gives the same file the same folder however it is spelled (relative, absolute, symlink)', () => {
			fs.mkdirSync(path.join(root, 'real'));
			fs.writeFileSync(path.join(root, 'real', 'desk.json'), '{}');
			fs.symlinkSync(path.join(root, 'real'), path.join(root, 'alias'));
			const absolute = resolvePaths({
				configPath: path.join(root, 'real', 'desk.json'),
				env: env(),
				cwd: '/',
			});
			const relative = resolvePaths({configPath: 'real/../real/desk.json', env: env(), cwd: root});
			const linked = resolvePaths({configPath: 'alias/desk.json', env: env(), cwd: root});
			expect(relative.dataDir).toBe(absolute.dataDir);
			expect(linked.dataDir).toBe(absolute.dataDir);
		});

		it('treats --config naming the default file as the default instance', () => {
			const plain = resolvePaths({env: env(), cwd: root});
			const named = resolvePaths({
				configPath: path.join(root, 'cfg', 'config.json'),
				env: env(),
				cwd: '/',
			});
			expect(named).toEqual(plain);
		});
	});
});
