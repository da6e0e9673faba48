#!/usr/bin/env node
// A small CRM to try ctidesk with: one page that uses every local URL ctidesk serves
// (click-to-dial, transfer, agent state, the login.cgi redirect, the WebSocket stream) and the
// screen-pop endpoints ctidesk visits, which record every request they get.
//
//   node examples/crm/server.mjs --port 8080 --ctidesk http://localhost:180
//
// Plain node:http, no dependencies, everything in memory. README.md beside this file says how
// to run it beside ctidesk and which config to use.
import {createHash, randomBytes, timingSafeEqual} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {pathToFileURL} from 'node:url';
import {parseArgs} from 'node:util';

const usage = `Usage: node examples/crm/server.mjs [--port 8080] [--host 127.0.0.1] [--ctidesk http://localhost:180]

  --port     port to listen on (0: any free port, printed at start)
  --host     address to listen on (default 127.0.0.1: this computer only)
  --ctidesk  where ctidesk's local API answers (its server.port)`;

// The CRM's own accounts. Each maps a CRM user to the agent's ctidesk login, which the CRM sends
// to login.cgi after its own login succeeds (SPEC section 4, "business system first"). A real
// CRM keeps the agent's ctidesk login token there rather than the password (ctidesk README,
// "Unified login"); the demo agent's password is 101.
// `empId` is the agent's employee id (工号): what ctidesk's home URL carries as `user` after a
// login in ctidesk itself.
const accounts = new Map([['101', {password: '101', empId: '001', cti: {user: '101', pass: '101'}}]]);

/** The CRM user whose employee id is `empId` (the home URL's `user`), or null. */
function crmUserOfEmployee(empId) {
	for (const [user, account] of accounts) if (account.empId === empId) return user;
	return null;
}

/** The pop endpoints: the path ctidesk is configured with → the name shown on the pops page. */
const popPaths = new Map([
	['/home', 'home'],
	['/pop/ring', 'ring'],
	['/pop/answer', 'answer'],
	['/pop/hangup', 'hangup'],
	['/pop/wrapup', 'wrapup'],
]);

const maxRecords = 1000;
const maxBody = 8 * 1024;
const script = readFileSync(new URL('crm.js', import.meta.url), 'utf8');

// ---------------------------------------------------------------------------------------------
// Helpers.

const htmlEscapes = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};
const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (char) => htmlEscapes[char]);

function sameSecret(given, expected) {
	// Compare digests so neither the length nor the content leaks through timing.
	const digest = (value) => createHash('sha256').update(String(value)).digest();
	return timingSafeEqual(digest(given), digest(expected));
}

function parseCookies(header = '') {
	const cookies = new Map();
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
	}
	return cookies;
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > maxBody) {
				reject(new Error('body too large'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

// ---------------------------------------------------------------------------------------------
// Pages.

const style = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#f6f7f9}
header{background:#243447;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center}
header h1{font-size:1.1rem;margin:0;flex:1}
main{padding:1rem;display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr))}
section{background:#fff;border:1px solid #dde;border-radius:6px;padding:.8rem 1rem}
h2{font-size:1rem;margin:.2rem 0 .6rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem .8rem;margin:0}
dt{color:#666}dd{margin:0;font-family:ui-monospace,monospace;word-break:break-all}
a{color:#0b57d0}.actions a{display:inline-block;margin:.15rem .4rem .15rem 0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.2rem .5rem .2rem 0;vertical-align:top}
#cti-events{font-family:ui-monospace,monospace;font-size:.85rem;max-height:14rem;overflow:auto;list-style:none;padding:0;margin:0}
.error{color:#b00020}.hint{color:#666;font-size:.9rem}
`;

function layout(
	title,
	body,
	{user = null, scriptTag = false, ctidesk = '', refreshSeconds = 0} = {},
) {
	return (
		'<!doctype html><html lang="en"><head><meta charset="utf-8">' +
		(refreshSeconds > 0 ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : '') +
		'<meta name="viewport" content="width=device-width,initial-scale=1">' +
		`<title>${escapeHtml(title)} · Demo CRM</title><style>${style}</style></head>` +
		`<body data-ctidesk="${escapeHtml(ctidesk)}"><header><h1>Demo CRM · ${escapeHtml(title)}</h1>` +
		(user
			? `<span id="crm-user">Signed in as ${escapeHtml(user)}</span>` +
				'<form method="post" action="/logout"><button id="crm-sign-out">Sign out of the CRM</button></form>'
			: '') +
		`</header>${body}${scriptTag ? '<script src="/crm.js"></script>' : ''}</body></html>`
	);
}

function loginPage({user = '', error = null, note = null} = {}) {
	return layout(
		'Sign in',
		'<main><section><h2>Sign in to the CRM</h2>' +
			(note ? `<p class="hint">${escapeHtml(note)}</p>` : '') +
			(error ? `<p class="error" id="login-error">${escapeHtml(error)}</p>` : '') +
			'<form method="post" action="/login" id="login-form">' +
			`<p><label>User <input name="user" id="login-user" autocomplete="username" value="${escapeHtml(user)}"></label></p>` +
			'<p><label>Password <input name="password" id="login-password" type="password" autocomplete="current-password"></label></p>' +
			'<p><button id="login-submit">Sign in</button></p></form>' +
			'<p class="hint">After signing in here, the CRM sends your browser through ctidesk\'s login.cgi, which logs you in to the phone ' +
			'and sends you back (single sign-on). Demo account: 101 / 101.</p></section></main>',
	);
}

/** A contact list with click-to-dial links. */
const contacts = [
	{name: 'Li Wei', number: '13900001111'},
	{name: 'Zhang Min', number: '+8613800138000'},
	{name: 'Acme support desk', number: '02155558888'},
];

function mainPage({user, ctidesk, self, records}) {
	const cgi = (path, params = {}) => {
		const query = new URLSearchParams(params).toString();
		return `${ctidesk}/cgi-bin/${path}${query ? `?${query}` : ''}`;
	};
	// target=_blank: ctidesk answers with a page that closes itself, or an error that stays open.
	// Never rel="noreferrer": ctidesk needs to see which site the request comes from.
	const link = (id, href, text) =>
		`<a id="${id}" href="${escapeHtml(href)}" target="_blank">${escapeHtml(text)}</a>`;
	const contactRows = contacts
		.map(
			({name, number}) =>
				`<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(number)}</td><td>` +
				link(`call-${number.replace(/\D/g, '')}`, cgi('call.cgi', {number}), 'Call') +
				' · ' +
				link(
					`call-page-${number.replace(/\D/g, '')}`,
					cgi('call.cgi', {number, url: `${self}/outbound?number=${encodeURIComponent(number)}`}),
					'Call and open the call page',
				) +
				'</td></tr>',
		)
		.join('');
	return layout(
		'Workspace',
		'<main>' +
			'<section id="cti"><h2>Phone (ctidesk, live over the WebSocket)</h2><dl>' +
			'<dt>Link</dt><dd id="cti-link">connecting…</dd>' +
			'<dt>Agent state</dt><dd id="cti-state">—</dd>' +
			'<dt>Agent</dt><dd id="cti-user">—</dd>' +
			'<dt>Session id</dt><dd id="cti-sid">—</dd>' +
			'<dt>Call</dt><dd id="cti-call">—</dd>' +
			'<dt>Queue</dt><dd id="cti-queue">—</dd>' +
			'<dt>Event seq</dt><dd id="cti-seq">—</dd>' +
			'</dl><h2>Events</h2><ul id="cti-events"></ul></section>' +
			'<section class="actions"><h2>Agent</h2>' +
			link('ready', cgi('ready.cgi'), 'Ready') +
			link('away-break', cgi('away.cgi', {reason: 'break'}), 'Away (break)') +
			link('away-lunch', cgi('away.cgi', {reason: 'lunch'}), 'Away (lunch)') +
			link('phone-logout', cgi('logout.cgi'), 'Log out of the phone') +
			link('status', cgi('status.cgi'), 'Phone status') +
			'<h2>Current call</h2>' +
			link('answer', cgi('answer.cgi'), 'Answer') +
			link('hold', cgi('hold.cgi', {on: '1'}), 'Hold') +
			link('resume', cgi('hold.cgi', {on: '0'}), 'Resume') +
			link('hold-toggle', cgi('hold.cgi'), 'Hold / resume') +
			link('hangup', cgi('hangup.cgi'), 'Hang up') +
			'<h2>Transfer</h2>' +
			link('transfer-blind', cgi('transfer.cgi', {number: '2001'}), 'Transfer to 2001') +
			link(
				'transfer-consult',
				cgi('transfer.cgi', {number: '2001', mode: 'consult'}),
				'Consult 2001',
			) +
			link('consult-complete', cgi('transfer.cgi', {action: 'complete'}), 'Complete the transfer') +
			link('consult-cancel', cgi('transfer.cgi', {action: 'cancel'}), 'Back to the customer') +
			link('consult-conference', cgi('transfer.cgi', {action: 'conference'}), 'Three-way call') +
			`<form id="transfer-form" action="${escapeHtml(cgi('transfer.cgi'))}" target="_blank">` +
			'<input name="number" id="transfer-number" placeholder="number" required> ' +
			'<select name="mode" id="transfer-mode"><option value="blind">blind</option><option value="consult">consult</option></select> ' +
			'<button id="transfer-submit">Transfer</button></form></section>' +
			'<section><h2>Customers</h2>' +
			`<table><thead><tr><th>Name</th><th>Number</th><th></th></tr></thead><tbody>${contactRows}</tbody></table>` +
			`<h2>Dial</h2><form id="dial-form" action="${escapeHtml(cgi('call.cgi'))}" target="_blank">` +
			'<input name="number" id="dial-number" placeholder="number" required> <button id="dial-submit">Call</button></form>' +
			'<p class="hint">Any number the local API accepts: digits, *, # and a leading +.</p></section>' +
			`<section><h2>Screen pops received</h2>${recordsTable(records.slice(-5).reverse())}` +
			'<p><a href="/pops">All pops</a> · <a href="/recorded">as JSON</a></p></section>' +
			'</main>',
		{user, scriptTag: true, ctidesk},
	);
}

function recordsTable(records) {
	if (records.length === 0) return '<p class="hint">None yet.</p>';
	const rows = records
		.map(
			(record) =>
				`<tr><td>${record.seq}</td><td>${escapeHtml(new Date(record.at).toISOString())}</td>` +
				`<td>${escapeHtml(record.kind)}</td><td>${record.browser ? 'browser' : 'background'}</td>` +
				`<td>${escapeHtml(record.params.map(([name, value]) => `${name}=${value}`).join(' '))}</td></tr>`,
		)
		.join('');
	return `<table><thead><tr><th>#</th><th>at</th><th>pop</th><th>by</th><th>parameters</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function popPage(kind, params) {
	const get = (name) => params.find(([key]) => key === name)?.[1] ?? '—';
	const title = {
		ring: 'Incoming call',
		answer: 'Call answered',
		hangup: 'Call ended',
		wrapup: 'Call coded',
		home: 'Home',
	}[kind];
	return layout(
		title,
		`<main><section id="pop" data-kind="${escapeHtml(kind)}"><h2>${escapeHtml(title)}: ${escapeHtml(get('number'))}</h2><dl>` +
			params
				.map(
					([name, value]) =>
						`<dt>${escapeHtml(name)}</dt><dd data-name="${escapeHtml(name)}">${escapeHtml(value)}</dd>`,
				)
				.join('') +
			'</dl><p><a href="/">Back to the workspace</a></p></section></main>',
	);
}

// ---------------------------------------------------------------------------------------------
// The server.

/**
 * @param {{ctidesk: string}} options ctidesk's base URL, e.g. http://localhost:180
 */
export function createCrmServer({ctidesk}) {
	const sessions = new Map();
	const records = [];
	let nextSeq = 1;
	const ctideskOrigin = new URL(ctidesk).origin;
	const ctideskSocket = ctideskOrigin.replace(/^http/, 'ws');

	function send(res, status, body, headers = {}) {
		res.writeHead(status, {
			'Content-Type': 'text/html; charset=utf-8',
			'Cache-Control': 'no-store',
			'X-Content-Type-Options': 'nosniff',
			// ctidesk serves a link from another site only when it can tell which site: the origin
			// must travel in the Referer. This is the browsers' default; a stricter policy
			// (no-referrer) would get every ctidesk link refused.
			'Referrer-Policy': 'strict-origin-when-cross-origin',
			// What a CRM page using ctidesk needs: scripts from itself, fetch and WebSocket to
			// ctidesk, forms posting to itself (its login redirects on to ctidesk) and to ctidesk.
			'Content-Security-Policy':
				`default-src 'self'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self'; ` +
				`connect-src 'self' ${ctideskOrigin} ${ctideskSocket}; form-action 'self' ${ctideskOrigin}; ` +
				"frame-ancestors 'none'; base-uri 'none'",
			...headers,
		});
		res.end(body);
	}

	const redirect = (res, location, headers = {}) =>
		send(res, 303, '', {Location: location, ...headers});

	function sessionOf(req) {
		const token = parseCookies(req.headers.cookie).get('crm_session');
		return token ? (sessions.get(token) ?? null) : null;
	}

	/** This CRM's own base URL as the browser sees it (crm.example.com:8080), for the redirect back. */
	function selfBase(req) {
		const host = req.headers.host ?? '';
		return /^[a-z0-9.-]+(:\d{1,5})?$/i.test(host)
			? `http://${host.toLowerCase()}`
			: 'http://localhost';
	}

	function record(kind, req, url) {
		const entry = {
			seq: nextSeq++,
			at: Date.now(),
			kind,
			path: url.pathname,
			// In arrival order, repeats kept: tests check that no name comes twice.
			params: [...url.searchParams],
			// A page a browser opened (browser-mode pop) or a background request (hidden mode).
			// Browsers send Sec-Fetch-Mode only to https and localhost; Upgrade-Insecure-Requests
			// goes with every navigation.
			browser:
				req.headers['sec-fetch-mode'] === 'navigate' ||
				req.headers['upgrade-insecure-requests'] === '1',
			userAgent: req.headers['user-agent'] ?? null,
			crmUser: sessionOf(req)?.user ?? null,
		};
		records.push(entry);
		if (records.length > maxRecords) records.shift();
		return entry;
	}

	async function handle(req, res) {
		const url = new URL(req.url ?? '/', 'http://crm.invalid');
		const session = sessionOf(req);
		const route = `${req.method} ${url.pathname}`;

		const kind = popPaths.get(url.pathname);
		if (kind && req.method === 'GET') {
			const entry = record(kind, req, url);
			if (kind === 'home') {
				// ctidesk opens the home page at start (bare) and after its own login (user = the
				// employee id, and sid). The sid is recorded above; a CRM would keep it with the
				// agent's CRM session.
				const empId = url.searchParams.get('user');
				const user = empId === null ? null : crmUserOfEmployee(empId);
				if (session) return redirect(res, '/');
				return redirect(res, user ? `/login?user=${encodeURIComponent(user)}` : '/login');
			}
			return send(res, 200, popPage(kind, entry.params));
		}

		switch (route) {
			case 'GET /':
				if (!session) return redirect(res, '/login');
				return send(
					res,
					200,
					mainPage({user: session.user, ctidesk: ctideskOrigin, self: selfBase(req), records}),
				);
			case 'GET /login':
				return send(res, 200, loginPage({user: url.searchParams.get('user') ?? ''}));
			case 'POST /login': {
				let form;
				try {
					form = new URLSearchParams(await readBody(req));
				} catch {
					return send(res, 413, loginPage({error: 'The form was too large.'}));
				}
				const user = form.get('user') ?? '';
				const account = accounts.get(user);
				if (!account || !sameSecret(form.get('password') ?? '', account.password)) {
					return send(res, 401, loginPage({user, error: 'Wrong user or password.'}));
				}
				const token = randomBytes(16).toString('hex');
				sessions.set(token, {user, at: Date.now()});
				// Unified login, business system first: ctidesk logs the agent in to the phone and
				// sends the browser back to this page.
				const back = `${selfBase(req)}/`;
				const login =
					`${ctideskOrigin}/cgi-bin/login.cgi?user=${encodeURIComponent(account.cti.user)}` +
					`&pass=${encodeURIComponent(account.cti.pass)}&url=${encodeURIComponent(back)}`;
				return redirect(res, login, {
					'Set-Cookie': `crm_session=${token}; Path=/; HttpOnly; SameSite=Lax`,
				});
			}
			case 'POST /logout': {
				const token = parseCookies(req.headers.cookie).get('crm_session');
				if (token) sessions.delete(token);
				return redirect(res, '/login', {
					'Set-Cookie': 'crm_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0',
				});
			}
			case 'GET /outbound': {
				// Where call.cgi?url=… sends the window once the call is placed.
				const number = url.searchParams.get('number') ?? '';
				return send(
					res,
					200,
					layout(
						'Outbound call',
						`<main><section id="outbound"><h2>Calling ${escapeHtml(number)}</h2><p>Take notes here.</p></section></main>`,
					),
				);
			}
			case 'GET /pops':
				return send(
					res,
					200,
					layout(
						'Screen pops',
						`<main><section><h2>Every pop request received, newest first</h2>${recordsTable([...records].reverse())}</section></main>`,
						{
							user: session?.user ?? null,
							refreshSeconds: 3,
						},
					),
				);
			case 'GET /recorded': {
				const since = Number(url.searchParams.get('since') ?? 0) || 0;
				return send(
					res,
					200,
					JSON.stringify({records: records.filter((entry) => entry.seq > since)}),
					{
						'Content-Type': 'application/json; charset=utf-8',
					},
				);
			}
			case 'GET /crm.js':
				return send(res, 200, script, {'Content-Type': 'text/javascript; charset=utf-8'});
			case 'GET /favicon.ico':
				return send(res, 204, '');
			default:
				return send(
					res,
					404,
					layout(
						'Not found',
						'<main><section><h2>No such page.</h2><p><a href="/">Workspace</a></p></section></main>',
					),
				);
		}
	}

	return createServer((req, res) => {
		handle(req, res).catch((error) => {
			console.error('crm: request failed:', error);
			if (!res.headersSent) send(res, 500, 'Internal error');
			else res.destroy();
		});
	});
}

function main() {
	let values;
	try {
		({values} = parseArgs({
			options: {
				port: {type: 'string', default: '8080'},
				host: {type: 'string', default: '127.0.0.1'},
				ctidesk: {type: 'string', default: 'http://localhost:180'},
				help: {type: 'boolean', default: false},
			},
		}));
	} catch (error) {
		console.error(`${error.message}\n\n${usage}`);
		process.exit(2);
	}
	if (values.help) {
		console.log(usage);
		return;
	}
	const port = Number(values.port);
	if (!Number.isInteger(port) || port < 0 || port > 65_535) {
		console.error(
			`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}\n\n${usage}`,
		);
		process.exit(2);
	}
	if (!URL.canParse(values.ctidesk) || !/^https?:$/.test(new URL(values.ctidesk).protocol)) {
		console.error(
			`--ctidesk must be an http:// URL like http://localhost:180, not ${JSON.stringify(values.ctidesk)}\n\n${usage}`,
		);
		process.exit(2);
	}
	const server = createCrmServer({ctidesk: values.ctidesk});
	server.on('error', (error) => {
		console.error(`crm: cannot listen on ${values.host}:${port}: ${error.message}`);
		process.exit(1);
	});
	server.listen(port, values.host, () => {
		const {port: bound} = server.address();
		console.log(
			`CRM listening on http://${values.host}:${bound}/ (ctidesk: ${new URL(values.ctidesk).origin})`,
		);
	});
	const stop = () => {
		server.close(() => process.exit(0));
		// Keep-alive connections and open tabs would hold close() open.
		server.closeAllConnections();
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

// Run as a program; importing the file (createCrmServer) starts nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
