// On every answer, refusals and preflights included. Answers differ by Origin (CORS), hence Vary.
import type {Middleware} from 'koa';
import type {LocalState} from '../answer.js';

const headers = {
	'X-Content-Type-Options': 'nosniff',
	'Cache-Control': 'no-store',
	'Referrer-Policy': 'no-referrer',
	'X-Frame-Options': 'DENY',
	'Cross-Origin-Resource-Policy': 'same-origin',
	Vary: 'Origin',
} as const;

export const securityHeaders: Middleware<LocalState> = async function securityHeaders(ctx, next) {
	ctx.set(headers);
	await next();
};
