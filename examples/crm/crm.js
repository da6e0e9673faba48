// The CRM page's live phone panel: ctidesk's WebSocket stream (ws://localhost:<port>/events).
// On connect it sends a snapshot (the status.cgi JSON plus the full session state), then every
// session event with a strictly increasing seq. Events say what happened, not the agent's
// derived state, so after each one the panel reads status.cgi (CORS: this CRM's origin is one
// ctidesk allows, because its pop URLs point here).
const ctidesk = document.body.dataset.ctidesk;
const socketUrl = `${ctidesk.replace(/^http/, 'ws')}/events`;
const maxEventLines = 50;

let lastSeq = null;
let shownSeq = -1;
let sid = null;

const $ = (selector) => document.querySelector(selector);
const setText = (selector, text) => {
	const element = $(selector);
	if (element) element.textContent = text;
};

function show(status) {
	// Answers to overlapping status requests may arrive out of order: never go back in time.
	if (typeof status?.seq !== 'number' || status.seq < shownSeq) return;
	shownSeq = status.seq;
	const {agent, call, queue} = status;
	setText('#cti-state', agent.reason ? `${agent.state} (${agent.reason})` : agent.state);
	setText('#cti-user', agent.user ?? '—');
	setText('#cti-sid', agent.state === 'logged-out' ? '—' : (sid ?? '—'));
	setText(
		'#cti-call',
		call
			? `${call.origin === 1 ? 'inbound' : 'outbound'} ${call.number}, ${call.state}, callid ${call.callId}`
			: '—',
	);
	setText(
		'#cti-queue',
		queue.length === 0 ? 'empty' : queue.map((entry) => entry.number).join(', '),
	);
	setText('#cti-seq', String(status.seq));
}

let statusRequest = 0;
async function refreshStatus() {
	const request = ++statusRequest;
	try {
		const response = await fetch(`${ctidesk}/cgi-bin/status.cgi?format=json`, {
			headers: {Accept: 'application/json'},
		});
		const status = await response.json();
		if (request === statusRequest || status.seq > shownSeq) show(status);
	} catch (error) {
		setText('#cti-link', `status.cgi failed: ${error.message}`);
	}
}

function logEvent(event) {
	const list = $('#cti-events');
	if (!list) return;
	const item = document.createElement('li');
	const details = ['callId', 'number', 'state', 'reason', 'cause', 'target']
		.filter((name) => event[name] !== undefined && event[name] !== null)
		.map((name) => `${name}=${event[name]}`)
		.join(' ');
	item.textContent = `#${event.seq} ${event.type}${details ? ` ${details}` : ''}`;
	item.dataset.type = event.type;
	list.prepend(item);
	while (list.children.length > maxEventLines) list.lastElementChild.remove();
}

function handle(event) {
	logEvent(event);
	// The sid of this login: the same one ctidesk put on the home URL and puts on every pop.
	if (event.type === 'agent-logged-in') sid = event.sid;
	if (event.type === 'agent-state-changed' && event.state === 'logged-out') sid = null;
	void refreshStatus();
}

function connect() {
	const socket = new WebSocket(lastSeq === null ? socketUrl : `${socketUrl}?since=${lastSeq}`);
	socket.addEventListener('open', () => setText('#cti-link', 'connected'));
	socket.addEventListener('message', ({data}) => {
		const message = JSON.parse(data);
		if (message.type === 'snapshot') {
			sid = message.state?.agent?.sid ?? null;
			shownSeq = -1;
			show(message.status);
		} else if (message.type === 'event') {
			handle(message.event);
		} else if (message.type === 'gap') {
			// Missed events are gone (or ctidesk restarted): a fresh snapshot follows.
			logEvent({seq: message.seq, type: `gap since ${message.since}`});
		}
		if (typeof message.seq === 'number') lastSeq = message.seq;
	});
	socket.addEventListener('close', () => {
		// ctidesk restarted, or is not running yet: try again, asking for what we missed.
		setText('#cti-link', 'not connected to ctidesk (retrying)');
		setTimeout(connect, 2000);
	});
}

connect();
