// A CRM on its own origin (127.0.0.1, a port of its own) that checks a login cookie, for the
// managed-browser tests: signing in at /login sets an HttpOnly session cookie; /calllog (the
// hidden ring pop) without it is redirected to /login, as real CRMs do; /answer (a visible pop)
// reports its window's outer size; /home sets a long-lived cookie so a profile can be recognised.
import {randomBytes} from 'node:crypto';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';

export interface CrmHit {
	path: string;
	query: URLSearchParams;
	cookies: Record<string, string>;
}

export interface CookieCrm {
	origin: string;
	hits: CrmHit[];
	/** Session ids the CRM issued at /login. */
	sessions: Set<string>;
	close(): Promise<void>;
}

function parseCookies(header: string | undefined): Record<string, string> {
	const cookies: Record<string, string> = {};
	for (const part of (header ?? '').split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
	}
	return cookies;
}

const page = (body: string) => `<!doctype html><html><head><title>crm</title></head><body>${body}</body></html>`;

export async function startCookieCrm(): Promise<CookieCrm> {
	const hits: CrmHit[] = [];
	const sessions = new Set<string>();
	const server = createServer((request: IncomingMessage, response: ServerResponse) => {
		const url = new URL(request.url ?? '/', 'http://crm');
		const cookies = parseCookies(request.headers.cookie);
		hits.push({path: url.pathname, query: url.searchParams, cookies});
		const loggedIn = sessions.has(cookies['crm_session'] ?? '');
		const html = (status: number, body: string, headers: Record<string, string | string[]> = {}) => {
			response.writeHead(status, {'content-type': 'text/html; charset=utf-8', ...headers});
			response.end(page(body));
		};
		switch (`${request.method} ${url.pathname}`) {
			case 'GET /home':
				return html(200, `<h1>home</h1>`, {'set-cookie': 'profile_mark=kept; Path=/; Max-Age=86400'});
			case 'GET /login':
				return html(
					200,
					`<form method="post" action="/login${url.searchParams.has('cti') ? `?cti=${encodeURIComponent(url.searchParams.get('cti')!)}` : ''}"><input id="user" name="user"><input id="password" type="password" name="password"><button id="go">sign in</button></form>`,
				);
			case 'POST /login': {
				const id = randomBytes(8).toString('hex');
				sessions.add(id);
				// ?cti=PORT: "business system first" — send the browser through ctidesk's login.cgi.
				const cti = url.searchParams.get('cti');
				const landing = `http://127.0.0.1:${(server.address() as AddressInfo).port}/landing`;
				const location = cti
					? `http://localhost:${cti}/cgi-bin/login.cgi?user=101&pass=101&url=${encodeURIComponent(landing)}`
					: '/home';
				response.writeHead(302, {location, 'set-cookie': `crm_session=${id}; HttpOnly; Path=/; Max-Age=3600; SameSite=Lax`});
				return response.end();
			}
			case 'GET /calllog':
				if (!loggedIn) {
					response.writeHead(302, {location: `/login?next=${encodeURIComponent(url.pathname + url.search)}`});
					return response.end();
				}
				return html(200, '<p>call logged</p>');
			case 'GET /answer':
				return html(200, `<p>ticket</p><script>fetch('/size?w=' + outerWidth + '&h=' + outerHeight)</script>`);
			case 'GET /size':
				response.writeHead(204);
				return response.end();
			default:
				return html(200, `<p>${url.pathname}</p>`);
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const {port} = server.address() as AddressInfo;
	return {
		origin: `http://127.0.0.1:${port}`,
		hits,
		sessions,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
