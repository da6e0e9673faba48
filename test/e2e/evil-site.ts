// A page from a site nobody allowed that tries to drive ctidesk behind the agent's back, the
// ways a hostile page can without any permission: an image, a no-cors fetch, an auto-submitted
// form, and the WebSocket stream. It reports what its script saw in window.attempts.
import {createServer, type Server} from 'node:http';

export interface EvilSite {
	port: number;
	close(): Promise<void>;
}

/** Numbers the page tries to dial, one per technique, so ctidesk's log tells them apart. */
export const evilNumbers = {image: '6660001', fetch: '6660002', form: '6660003'} as const;

function evilPage(ctidesk: string): string {
	const call = `${ctidesk}/cgi-bin/call.cgi`;
	return `<!doctype html><html><head><meta charset="utf-8"><title>Win a prize</title></head><body>
<h1>Congratulations!</h1>
<img id="image" src="${call}?number=${evilNumbers.image}" alt="">
<iframe name="sink" id="sink"></iframe>
<form id="form" method="post" action="${call}" target="sink"><input name="number" value="${evilNumbers.form}"></form>
<script>
window.attempts = {};
fetch('${call}?number=${evilNumbers.fetch}', {mode: 'no-cors'}).then(
	() => (window.attempts.fetch = 'opaque answer'),
	(error) => (window.attempts.fetch = 'failed: ' + error.message),
);
document.getElementById('form').submit();
const socket = new WebSocket('${ctidesk.replace(/^http/, 'ws')}/events');
socket.onopen = () => (window.attempts.socket = 'open');
socket.onmessage = (message) => (window.attempts.socketMessage = String(message.data).slice(0, 80));
socket.onerror = () => (window.attempts.socket = 'error');
</script></body></html>`;
}

export function startEvilSite({ctidesk}: {ctidesk: string}): Promise<EvilSite> {
	const server: Server = createServer((req, res) => {
		if (req.url !== '/') {
			res.writeHead(404).end();
			return;
		}
		res.writeHead(200, {'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store'});
		res.end(evilPage(ctidesk));
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			resolve({
				port,
				close: () =>
					new Promise<void>((done) => {
						server.close(() => done());
						server.closeAllConnections();
					}),
			});
		});
	});
}
