// Who is connecting, and to which name (guard.ts has the rules): only the origin form of the
// request target, a loopback peer, the same local user (peer-user.ts, asynchronous: it never
// blocks the event loop), one Host header, and that Host naming us (DNS rebinding).
import type {Middleware} from 'koa';
import {answerFailure, answerText, failure, type LocalState} from '../answer.js';
import {checkConnection, type PeerCheck} from '../guard.js';

export function guardConnection(peerCheck: PeerCheck): Middleware<LocalState> {
	return async function guardConnection(ctx, next) {
		// An absolute URL (`GET http://evil.example/…`) names a host the Host check never saw.
		if (!ctx.req.url?.startsWith('/')) {
			ctx.set('Connection', 'close');
			return answerText(ctx, {status: 400, code: 'bad-input', message: 'bad request target'}, 'Bad request target: ctidesk serves paths like /cgi-bin/status.cgi only.\n');
		}
		const verdict = await checkConnection(ctx.req, peerCheck);
		if (!verdict.ok) return answerFailure(ctx, failure(verdict.status === 400 ? 'bad-input' : 'forbidden', verdict.message));
		await next();
	};
}
