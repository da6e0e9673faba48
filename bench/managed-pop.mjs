// Hidden pops through the managed browser (issue 15): from the driver event to the CRM's 2xx as
// the outbox records it ("delivered"), next to today's direct fetch measured in the same run.
//
//   npm run build && node bench/managed-pop.mjs [--calls 200] [--json]
//
// ctidesk (managed): simulator call-offered → session store → pop service → launcher → the
//   durable outbox (append + fsync) → a hidden page of the managed headless chromium loads the
//   pop URL (a small HTML page on a CRM server on 127.0.0.1) → main document 2xx → delivered.
// baseline (direct fetch, system mode): the same path with the outbox's own fetch instead of
//   the page load.
// The two are interleaved call by call so machine noise falls on both. Target: p99 ≤ 150 ms
// (a page load, not a fetch). Without a Chromium-family browser the bench says so and skips.
import {mkdtempSync, rmSync} from 'node:fs';
import {createServer} from 'node:http';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createFakeClock} from './lib/fake-clock.mjs';
import {loadDist as load} from './lib/load-dist.mjs';
import {emitResult, figure, printReport} from './lib/report.mjs';
import {argument, summarize} from './lib/stats.mjs';

const {createSimDriver, offerPauseMs} = await load('cti/sim/sim-driver.js');
const {createSessionStore} = await load('session/session-store.js');
const {nextCallId} = await load('core/call-id.js');
const {createLauncher} = await load('pops/launcher.js');
const {createPopService} = await load('pops/pop-service.js');
const {createOutbox} = await load('pops/outbox.js');
const {createBrowserService} = await load('browser/browser-service.js');
const {findChromiumFamily} = await load('browser/find-browser.js');

const TARGET_P99 = 150;
const calls = Number(argument('calls', '200'));
const executable = findChromiumFamily({executable: ''});

const realClock = {
	now: () => Date.now(),
	setTimeout: (callback, ms) => {
		const handle = setTimeout(callback, ms);
		handle.unref();
		return handle;
	},
	clearTimeout: (handle) => clearTimeout(handle),
};

if (!executable) {
	printReport('hidden pop through the managed browser', [], ['skipped: no Chromium, Chrome or Edge on this machine']);
	emitResult('managed-pop', [], ['skipped: no Chromium-family browser']);
	process.exit(0);
}

const identity = {user: '101', agentId: '1', empId: '001', extension: '801', groups: ['1']};
const simOptions = {seed: 1, arrivalsPerMinute: 0, patienceSeconds: 600, ringSeconds: 15, otherAgents: 0, talkSeconds: 1e7, groups: ['1'], agentNumber: '801'};

/** A desk over the simulator whose ring pop is hidden; `delivered` resolves with the settle time. */
async function hiddenDesk(base, outbox) {
	const clock = createFakeClock();
	const driver = createSimDriver(simOptions, clock);
	let emittedAt = 0;
	const timed = {
		...driver,
		name: driver.name,
		capabilities: driver.capabilities,
		onEvent: (listener) =>
			driver.onEvent((event) => {
				if (event.type === 'call-offered') emittedAt = performance.now();
				listener(event);
			}),
	};
	let lastId = null;
	const store = createSessionStore({driver: timed, clock, authenticate: () => identity, wrapUpSeconds: 0, allocateCallId: (now) => (lastId = nextCallId(lastId, now))});
	const launcher = createLauncher({browserCommand: '', noBrowser: false, clipboard: false, outbox, env: {}, platform: 'linux'});
	const pops = {
		home: {url: '', mode: 'off'},
		ring: {url: `${base}/ring?app=bench`, mode: 'hidden'},
		answer: {url: '', mode: 'off'},
		hangup: {url: '', mode: 'off'},
		loginParams: 'sid',
		ringOnDial: false,
	};
	const service = createPopService({store, settings: pops, launcher, outbox, clock, hrNow: () => performance.now()});
	await store.start();
	service.start();
	await store.run({type: 'login', user: '101', password: 'x'});
	await store.run({type: 'ready'});
	const samples = [];
	return {
		samples,
		async call() {
			const settled = new Promise((resolve) => {
				const off = outbox.onSettled(({outcome}) => {
					off();
					resolve({outcome, at: performance.now()});
				});
			});
			await store.run({type: 'inject-call'});
			const {outcome, at} = await settled;
			if (outcome !== 'delivered') throw new Error(`a hidden pop was not delivered (${outcome})`);
			samples.push(at - emittedAt);
			await store.run({type: 'answer'});
			await store.run({type: 'hangup'});
			clock.advance(offerPauseMs + 1);
			if (store.getSnapshot().agent.presence !== 'ready') await store.run({type: 'ready'});
		},
		stop: async () => (service.stop(), await store.stop()),
	};
}

const server = createServer((request, response) => {
	response.writeHead(200, {'content-type': 'text/html; charset=utf-8'});
	response.end('<!doctype html><title>call log</title><p>logged</p><script>document.title = "logged"</script>');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const dir = mkdtempSync(join(tmpdir(), 'ctidesk-bench-managed-'));

const config = {
	browser: {mode: 'managed', executable, headless: true, loginUrl: '', remote: {port: 2226, token: ''}},
	pops: {browserCommand: '', noBrowser: false},
	links: [],
};
const browser = createBrowserService({
	settings: () => config,
	profileDir: join(dir, 'profile'),
	isLoggedIn: () => true,
	isLoginCgi: () => false,
	env: {},
});
const managedOutbox = await createOutbox({dir: join(dir, 'managed'), clock: realClock, transport: () => browser.hiddenTransport()});
const fetchOutbox = await createOutbox({dir: join(dir, 'fetch'), clock: realClock});
const managed = await hiddenDesk(base, managedOutbox);
const direct = await hiddenDesk(base, fetchOutbox);

// The browser starts on the first pop: that start is reported on its own, not in the figures.
const startedAt = performance.now();
await managed.call();
const firstPopMs = performance.now() - startedAt;
managed.samples.length = 0;
await direct.call();
direct.samples.length = 0;

for (let index = 0; index < calls; index++) {
	await managed.call();
	await direct.call();
}

const ours = summarize(managed.samples);
const baseline = summarize(direct.samples);
await managed.stop();
await direct.stop();
await managedOutbox.close();
await fetchOutbox.close();
await browser.close();
server.closeAllConnections();
await new Promise((resolve) => server.close(resolve));
rmSync(dir, {recursive: true, force: true});

const figures = [
	figure('driver event → delivered, p50', ours.p50, 'ms', baseline.p50, 'info', null),
	figure('driver event → delivered, p99', ours.p99, 'ms', baseline.p99, `≤ ${TARGET_P99} ms`, ours.p99 <= TARGET_P99),
	figure('first pop (starts the browser)', firstPopMs, 'ms', null, 'info', null, 0),
];
const notes = [
	`${calls} calls, interleaved; ctidesk = the managed browser's hidden page (headless ${executable}); baseline = today's direct fetch from the outbox`,
];
printReport('hidden pop through the managed browser', figures, notes);
emitResult('managed-pop', figures, notes);
