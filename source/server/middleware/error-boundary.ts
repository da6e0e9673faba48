// Second in the chain: a throw anywhere below is a bug, never a refusal. Keep serving, answer
// 500 with a pointer to the log, and never let Koa print to the terminal (house rule 12).
import type {Middleware} from 'koa';
import type {Logger} from '../../logger.js';
import {answerFailure, failure, type LocalState} from '../answer.js';

export function errorBoundary(logger: Logger): Middleware<LocalState> {
	return async function errorBoundary(ctx, next) {
		try {
			await next();
		} catch (error) {
			logger.error({err: error, path: ctx.path}, 'local API request failed');
			if (ctx.headerSent) {
				ctx.res.destroy();
				return;
			}
			answerFailure(ctx, failure('internal', 'Internal error in ctidesk: see its log file.'), ctx.path.startsWith('/api') || undefined);
		}
	};
}
