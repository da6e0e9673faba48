import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {createLogger, logActivity} from '../source/logger.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'ctidesk-logger-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

const read = (file: string) => {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return '';
	}
};
const lines = (file: string) => read(file).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('createLogger', () => {
	it('writes the lines of one event-loop turn together, right after that turn', async () => {
		const file = join(dir, 'logs', 'ctidesk.log');
		const logger = createLogger({file});
		logger.info('first');
		logger.warn('second');
		expect(read(file)).toBe('');
		await nextTurn();
		expect(lines(file).map((line) => [line['level'], line['msg']])).toEqual([
			[30, 'first'],
			[40, 'second'],
		]);
		logger.error('third');
		await nextTurn();
		expect(lines(file).map((line) => line['msg'])).toEqual(['first', 'second', 'third']);
	});

	it('still redacts secrets at the top level and one level down', async () => {
		const file = join(dir, 'ctidesk.log');
		const logger = createLogger({file});
		logger.info({password: 'p1', nested: {token: 't1', keep: 'k'}, sid: 's1'}, 'login');
		await nextTurn();
		expect(lines(file)[0]).toMatchObject({password: '***', sid: '***', nested: {token: '***', keep: 'k'}, msg: 'login'});
		expect(read(file)).not.toMatch(/p1|t1|s1/);
	});

	it('writes what was logged just before process.exit', () => {
		const file = join(dir, 'exit.log');
		// The built module (test/global-setup.ts builds dist/): a real process, a real exit.
		const script = [
			`const {createLogger} = await import(${JSON.stringify(new URL('../dist/logger.js', import.meta.url).href)});`,
			`const logger = createLogger({file: ${JSON.stringify(file)}});`,
			`logger.info('last words');`,
			'process.exit(0);',
		].join('\n');
		execFileSync(process.execPath, ['--input-type=module', '-e', script]);
		expect(lines(file).map((line) => line['msg'])).toEqual(['last words']);
	});
});

describe('logActivity', () => {
	it('writes each activity entry at its level with its source, the text unformatted', async () => {
		const file = join(dir, 'ctidesk.log');
		const sink = logActivity(createLogger({file}));
		sink({id: 1, at: 0, level: 'info', source: 'server', text: '/cgi-bin/call.cgi?number=139 → 200 Calling 139…'});
		sink({id: 2, at: 0, level: 'warn', source: 'pops', text: '100%s done %d'});
		sink({id: 3, at: 0, level: 'error', source: 'server', text: 'boom'});
		await nextTurn();
		expect(lines(file).map(({level, source, msg}) => ({level, source, msg}))).toEqual([
			{level: 30, source: 'server', msg: '/cgi-bin/call.cgi?number=139 → 200 Calling 139…'},
			{level: 40, source: 'pops', msg: '100%s done %d'},
			{level: 50, source: 'server', msg: 'boom'},
		]);
	});

	it("follows the app logger's level", async () => {
		const file = join(dir, 'ctidesk.log');
		const logger = createLogger({file, level: 'warn'});
		const sink = logActivity(logger);
		sink({id: 1, at: 0, level: 'info', source: 'server', text: 'quiet'});
		sink({id: 2, at: 0, level: 'warn', source: 'server', text: 'loud'});
		logger.level = 'error';
		sink({id: 3, at: 0, level: 'warn', source: 'server', text: 'now quiet too'});
		sink({id: 4, at: 0, level: 'error', source: 'server', text: 'still heard'});
		await nextTurn();
		expect(lines(file).map((line) => line['msg'])).toEqual(['loud', 'still heard']);
	});
});
