// The second opinion guard-site.ts asks for when a page's origin is not allowed: for a request
// that would change the desk, the agent is asked (origin-requests.ts has the rules), and the
// page gets a clear answer whichever way it goes. Reading (status.cgi) and pages that hide their
// origin are never asked about: they keep the 403.
import type {Verdict} from '../guard.js';
import type {OriginRequests} from '../origin-requests.js';
import {printable} from '../validate.js';
import type {SiteRefusal} from './guard-site.js';

const stateChanging = /^\/cgi-bin\/(login|call|transfer|logout|ready|away|answer|hangup|hold)\.cgi\/?$/i;

const forbid = (message: string): Verdict => ({ok: false, status: 403, message});

export function askOnFirstContact(requests: OriginRequests): SiteRefusal {
	return async function firstContact(ctx, claimed) {
		const verb = stateChanging.exec(ctx.path)?.[1];
		if (!verb || claimed === null || !/^https?:\/\//.test(claimed)) return null;
		const origin = printable(claimed, 80);
		switch (await requests.ask(claimed, `${verb.toLowerCase()}.cgi`)) {
			case 'always':
			case 'once':
				return {ok: true};
			case 'deny':
			case 'denied-before':
				return forbid(`The agent refused requests from ${origin} on this desk (until ctidesk restarts).`);
			case 'timeout':
				return forbid(
					`The agent did not answer within 30 s whether ${origin} may control this desk: try again, or add that origin to server.allowedOrigins.`,
				);
			case 'busy':
				return forbid(`Another request is waiting for the agent's answer: ${origin} was not asked; try again in a moment.`);
			case 'nobody':
				return null;
		}
	};
}
