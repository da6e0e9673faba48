// The few HTML pages a browser sees: "done, you can close this window", an error that stays
// open, and a readable status. Every page is static markup with one fixed script and one fixed
// stylesheet, so the Content-Security-Policy can pin both by hash and forbid everything else.
import {createHash} from 'node:crypto';
import type {StatusJson} from '../core/status.js';

const closeScript = 'window.close();';
const style =
	'body{font:16px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:42rem;padding:0 1rem;color:#222}' +
	'h1{font-size:1.25rem}.ok h1{color:#1b5e20}.error h1{color:#b00020}.hint{color:#555}' +
	'table{border-collapse:collapse}th,td{padding:.2rem .8rem .2rem 0;text-align:left;vertical-align:top}' +
	'code{background:#f3f3f3;padding:0 .25rem}';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** CSP for every HTML page: only our own inline script and style (by hash), nothing else at all. */
export const pageCsp = [
	"default-src 'none'",
	`script-src ${sha256(closeScript)}`,
	`style-src ${sha256(style)}`,
	"base-uri 'none'",
	"form-action 'none'",
	"frame-ancestors 'none'",
].join('; ');

const htmlEscapes: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (char) => htmlEscapes[char]!);
}

function page(title: string, className: string, body: string, script = ''): string {
	return (
		'<!doctype html><html lang="en"><head><meta charset="utf-8">' +
		'<meta name="viewport" content="width=device-width,initial-scale=1">' +
		`<title>${escapeHtml(title)} · ctidesk</title><style>${style}</style></head>` +
		`<body class="${className}">${body}${script ? `<script>${script}</script>` : ''}</body></html>`
	);
}

/**
 * Success without `url=`: the link opened this window with target=_blank, so it closes itself.
 * Browsers may refuse (a window with history, a popup policy): then the text says what happened.
 */
export function renderDonePage(message: string): string {
	return page(
		message,
		'ok',
		`<h1>${escapeHtml(message)}</h1><p class="hint">You can close this window.</p>`,
		closeScript,
	);
}

/** An error stays open so the agent can read it. */
export function renderErrorPage(status: number, code: string, message: string): string {
	return page(
		'Error',
		'error',
		`<h1>${escapeHtml(message)}</h1><p class="hint">ctidesk local API · HTTP ${status} · <code>${escapeHtml(code)}</code></p>`,
	);
}

function row(label: string, value: string | number | null): string {
	return `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value === null ? '—' : String(value))}</td></tr>`;
}

const time = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs).toISOString());

export function renderStatusPage(status: StatusJson): string {
	const {agent, call, queue, pbx} = status;
	const rows = [
		row('Agent state', agent.reason ? `${agent.state} (${agent.reason})` : agent.state),
		row('Since', time(agent.since)),
		row('User', agent.user),
		row('Agent id', agent.agentId),
		row('Employee id', agent.empId),
		row('Groups', agent.groups.join(', ') || null),
		row('PBX', `${pbx.driver}, ${pbx.connected ? 'connected' : 'not connected'}`),
		row('Waiting in queue', queue.length),
		row('Event seq', status.seq),
	];
	if (call) {
		rows.push(
			row('Call', `${call.state}, ${call.origin === 1 ? 'inbound' : 'outbound'}`),
			row('Number', call.number),
			row('Call id', call.callId),
			row('Caller id', call.callerId),
			row('Called id', call.calledId),
			row('Group', call.groupId),
			row('Started', time(call.startedAt)),
			row('Answered', time(call.answeredAt)),
			row('On hold', call.held ? 'yes' : 'no'),
			row('Muted', call.muted ? 'yes' : 'no'),
			row('Consult', call.consult ? `${call.consult.target} (${call.consult.state})` : null),
			row('Three-way call', call.conferenced ? 'yes' : 'no'),
		);
	} else {
		rows.push(row('Call', null));
	}
	return page(
		'Status',
		'status',
		`<h1>ctidesk status</h1><table>${rows.join('')}</table>` +
			'<p class="hint">JSON: add <code>format=json</code> or send <code>Accept: application/json</code>.</p>',
	);
}
