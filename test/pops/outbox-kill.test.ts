// A real kill -9: a child process owns an outbox, the CRM holds one request open, and the child
// is killed with SIGKILL in the middle of it. A fresh outbox on the same files must deliver
// everything the child had acknowledged as queued, resend nothing that had its 2xx, and resend
// the one in-flight item at most once.
import {spawn} from 'node:child_process';
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import ts from 'typescript';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {createOutbox, type Outbox} from '../../source/pops/outbox.js';
import {createFakeClock} from '../helpers/fake-clock.js';
import {answerOk, startFakeCrm, type FakeCrm} from './fake-crm.js';

let work: string;
let crm: FakeCrm;

beforeEach(async () => {
	work = await mkdtemp(join(tmpdir(), 'ctidesk-kill-'));
	crm = await startFakeCrm();
});

afterEach(async () => {
	await crm.close();
	await rm(work, {recursive: true, force: true});
});

/** The outbox as plain ESM for a child node process (type imports vanish; it needs only node:). */
async function compileOutbox(into: string) {
	// The same folder layout as source/, so the outbox's relative imports resolve.
	for (const name of ['pops/outbox', 'storage/atomic-write', 'storage/jsonl']) {
		const source = await readFile(new URL(`../../source/${name}.ts`, import.meta.url), 'utf8');
		const {outputText} = ts.transpileModule(source, {
			compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true},
		});
		await mkdir(join(into, dirname(name)), {recursive: true});
		await writeFile(join(into, `${name}.js`), outputText);
	}
	await writeFile(join(into, 'package.json'), '{"type": "module"}');
	await writeFile(
		join(into, 'child.js'),
		`import {createOutbox} from './pops/outbox.js';
const [dir, origin, count] = process.argv.slice(2);
const clock = {now: () => Date.now(), setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle)};
const outbox = await createOutbox({dir, clock, backoff: {initialMs: 50, maxMs: 200}});
for (let n = 1; n <= Number(count); n++) await outbox.enqueue({kind: 'log', callId: 'A', url: origin + '/log?n=' + n});
await outbox.enqueue({kind: 'log', callId: 'B', url: origin + '/other?n=1'});
process.stdout.write('queued\\n');
setInterval(() => {}, 60_000);
`,
	);
}

it('survives kill -9 mid-request: zero lost, nothing with a 2xx resent, the in-flight one at most twice', async () => {
	await compileOutbox(work);
	const dir = join(work, 'outbox');
	const count = 6;
	const answered = 3;
	crm.handle = (request, response) => {
		const n = Number(request.url.searchParams.get('n'));
		// Held open: the child dies waiting. (An answered request whose done line the child had
		// not fsync'd yet would be the same window, but not deterministically.)
		if ((request.path === '/log' && n > answered) || request.path === '/other') return;
		answerOk(request, response);
	};
	const child = spawn(process.execPath, [join(work, 'child.js'), dir, crm.origin, String(count)], {stdio: ['ignore', 'pipe', 'inherit']});
	const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
	const queued = new Promise<void>((resolve) => {
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			if (output.includes('queued\n')) resolve();
		});
	});
	await queued;
	// Items 1–3 answered (each done line written before the next is sent), 4 and call B's item in flight.
	await crm.waitForRequests(answered + 2);
	child.kill('SIGKILL');
	expect(await exited).toBe('SIGKILL');

	crm.handle = answerOk;
	const clock = createFakeClock();
	const outbox: Outbox = await createOutbox({dir, clock, backoff: {initialMs: 50, maxMs: 200}});
	try {
		await new Promise<void>((resolve) => {
			const check = () => outbox.getSnapshot().pending === 0 && resolve();
			outbox.subscribe(check);
			check();
		});
		const sent = (n: number) => crm.requests.filter((request) => request.path === '/log' && request.url.searchParams.get('n') === String(n)).length;
		for (let n = 1; n <= answered; n++) expect(sent(n)).toBe(1);
		expect(sent(answered + 1)).toBe(2);
		for (let n = answered + 2; n <= count; n++) expect(sent(n)).toBe(1);
		expect(crm.requests.filter((request) => request.path === '/other')).toHaveLength(2);
		const order = crm.requests.filter((request) => request.path === '/log').map((request) => Number(request.url.searchParams.get('n')));
		expect(order).toEqual([1, 2, 3, 4, 4, 5, 6]);
	} finally {
		await outbox.close();
	}
});
