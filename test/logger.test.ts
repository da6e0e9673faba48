import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {createLogger, logActivity, logBatchMs} from '../source/logger.js';

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
/** Waits for the batch to be written (logBatchMs after its first line), with a bound. */
async function written(file: string, count: number) {
	for (let waited = 0; lines(file).length < count && waited < 2000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
	return lines(file);
}

describe('createLogger', () => {
	it('writes lines in batches, a moment after the first line of each', async () => {
		const file = join(dir, 'logs', 'ctidesk.log');
		const logger = createLogger({file});
		const started = performance.now();
		logger.info('first');
		logger.warn('second');
		expect(read(file)).toBe('');
		expect((await written(file, 2)).map((line) => [line['level'], line['msg']])).toEqual([
			[30, 'first'],
			[40, 'second'],
		]);
		// Not held back longer than the batch time (plus a scheduling margin).
		expect(performance.now() - started).toBeLessThan(logBatchMs + 500);
		logger.error('third');
		expect((await written(file, 3)).map((line) => line['msg'])).toEqual(['first', 'second', 'third']);
	});

	it('writes at once when a batch grows large, without waiting for its time', () => {
		const file = join(dir, 'big.log');
		const logger = createLogger({file});
		const text = 'x'.repeat(1000);
		for (let index = 0; index < 100; index += 1) logger.info(text);
		// 100 lines of ~1 KB passed the 64 KiB mark: most are on disk already, synchronously.
		expect(lines(file).length).toBeGreaterThanOrEqual(60);
	});

	it('still redacts secrets at the top level and one level down', async () => {
		const file = join(dir, 'ctidesk.log');
		const logger = createLogger({file});
		logger.info({password: 'p1', nested: {token: 't1', keep: 'k'}, sid: 's1'}, 'login');
		expect((await written(file, 1))[0]).toMatchObject({password: '***', sid: '***', nested: {token: '***', keep: 'k'}, msg: 'login'});
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
		sink({id: 1, at: 1_700_000_000_000, level: 'info', source: 'server', text: '/cgi-bin/call.cgi?number=139 → 200 Calling 139…'});
		sink({id: 2, at: 1_700_000_000_001, level: 'warn', source: 'pops', text: '100%s done %d'});
		sink({id: 3, at: 1_700_000_000_002, level: 'error', source: 'server', text: 'quote " backslash \\ newline \n tab \t nul \u0000 end'});
		expect((await written(file, 3)).map(({level, time, source, msg}) => ({level, time, source, msg}))).toEqual([
			{level: 30, time: 1_700_000_000_000, source: 'server', msg: '/cgi-bin/call.cgi?number=139 → 200 Calling 139…'},
			{level: 40, time: 1_700_000_000_001, source: 'pops', msg: '100%s done %d'},
			{level: 50, time: 1_700_000_000_002, source: 'server', msg: 'quote " backslash \\ newline \n tab \t nul \u0000 end'},
		]);
		// One line per entry: the newline inside a message stayed escaped.
		expect(read(file).split('\n').filter(Boolean)).toHaveLength(3);
	});

	it('writes the same line as pino itself would for the same entry', async () => {
		const direct = join(dir, 'direct.log');
		const viaPino = join(dir, 'pino.log');
		const entry = {id: 1, at: 1_700_000_000_000, level: 'warn', source: 'server', text: 'a "b" \\ c\u2028d é'} as const;
		logActivity(createLogger({file: direct}))(entry);
		const logger = createLogger({file: viaPino});
		logger.child({source: entry.source}).warn(entry.text);
		const [ours] = await written(direct, 1);
		const [theirs] = await written(viaPino, 1);
		expect(ours).toEqual({...theirs, time: entry.at});
		expect(Object.keys(ours!)).toEqual(Object.keys(theirs!));
	});

	it('keeps activity lines and other log lines in the order they were logged', async () => {
		const file = join(dir, 'ctidesk.log');
		const logger = createLogger({file});
		const sink = logActivity(logger);
		logger.info('one');
		sink({id: 1, at: 1, level: 'info', source: 'server', text: 'two'});
		logger.warn({detail: 'x'}, 'three');
		sink({id: 2, at: 2, level: 'warn', source: 'pops', text: 'four'});
		expect((await written(file, 4)).map((line) => line['msg'])).toEqual(['one', 'two', 'three', 'four']);
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
		expect((await written(file, 2)).map((line) => line['msg'])).toEqual(['loud', 'still heard']);
	});
});
