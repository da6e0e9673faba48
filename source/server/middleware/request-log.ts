// First in the chain: one line per request in the Events tab (and, through the activity sink,
// the log file), written once the answer is decided, whatever middleware decided it. Values of
// parameters are shown only for the harmless ones: a login carries a password, a pop a sid.
import type {Middleware} from 'koa';
import type {Logger} from '../../logger.js';
import type {ActivityLog} from '../../session/activity-log.js';
import type {LocalState} from '../answer.js';
import {printable, type Params} from '../validate.js';

/** Parameters whose values may be shown in the Events tab and the log. Others show by name only. */
const shownValues = new Set(['number', 'mode', 'action', 'reason', 'user', 'on', 'url', 'format', 'since', 'command', 'answer']);

/** `number=139&pass&url=https://crm…`: names always, values only for known harmless parameters. */
export function describeParams(params: Params | undefined, rawQuery: string): string {
	if (!params) {
		// Not decodable (or never read): the raw names only, escaped, never a value.
		const names = rawQuery.split('&').filter(Boolean).map((pair) => printable(pair.split('=')[0]!, 24));
		return names.slice(0, 8).join('&');
	}
	const parts: string[] = [];
	for (const [name, value] of params) {
		parts.push(shownValues.has(name) ? `${printable(name, 24)}=${printable(value, 60)}` : printable(name, 24));
		if (parts.length === 8) break;
	}
	return parts.join('&');
}

export function requestLog(activity: ActivityLog, logger: Logger): Middleware<LocalState> {
	return async function requestLog(ctx, next) {
		const started = performance.now();
		try {
			await next();
		} finally {
			const outcome = ctx.state.outcome ?? {status: ctx.status, code: 'ok', message: ''};
			const level = outcome.status >= 500 ? 'error' : outcome.status >= 400 ? 'warn' : 'info';
			// The target as sent: the path before `?`, not percent-decoded.
			const target = ctx.req.url ?? '';
			const mark = target.indexOf('?');
			const path = printable(mark === -1 ? target : target.slice(0, mark), 60);
			const query = describeParams(ctx.state.params, mark === -1 ? '' : target.slice(mark + 1));
			const method = ctx.method === 'GET' ? '' : `${printable(ctx.method, 8)} `;
			activity.add(level, 'server', `${method}${path}${query ? `?${query}` : ''} → ${outcome.status} ${outcome.message || outcome.code}`);
			// The structured line (timing, code) only when debugging: the activity line already is the record.
			if (logger.isLevelEnabled('debug')) {
				const ms = Math.round((performance.now() - started) * 10) / 10;
				logger.debug({method: ctx.method, path, query, status: outcome.status, code: outcome.code, ms}, 'local API request');
			}
		}
	};
}
