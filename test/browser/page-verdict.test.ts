import {describe, expect, it} from 'vitest';
import {classifyPageLoad, type PageLoad} from '../../source/browser/page-verdict.js';

const requested = 'https://crm.example.com/calllog?callid=1';
const load = (change: Partial<PageLoad>): PageLoad => ({requestedUrl: requested, finalUrl: requested, status: 200, redirected: false, hasPasswordField: false, ...change});

describe('classifyPageLoad', () => {
	it.each([
		['a 2xx page', load({}), '', 'delivered'],
		['204 No Content', load({status: 204}), '', 'delivered'],
		['a redirect to another page of the CRM without a password field', load({redirected: true, finalUrl: 'https://crm.example.com/done'}), '', 'delivered'],
		['the pop URL itself answering with a form (no redirect)', load({hasPasswordField: true}), '', 'delivered'],
		['a redirect to a page with a password field', load({redirected: true, finalUrl: 'https://crm.example.com/login?next=x', hasPasswordField: true}), '', 'retry'],
		['the configured login URL, even without a password field', load({finalUrl: 'https://sso.example.com/authorize?x=1'}), 'https://sso.example.com/authorize', 'retry'],
		['401', load({status: 401}), '', 'retry'],
		['403', load({status: 403}), '', 'retry'],
		['503', load({status: 503}), '', 'retry'],
		['no answer', load({status: null}), '', 'retry'],
		['404 (retrying cannot help)', load({status: 404}), '', 'failed'],
	] as const)('%s → %s', (_title, input, loginUrl, type) => {
		expect(classifyPageLoad(input, loginUrl).type).toBe(type);
	});

	it('tells the agent to log in to the CRM in the main window', () => {
		expect(classifyPageLoad(load({status: 401}), '')).toMatchObject({reason: 'the CRM answered HTTP 401: log in to the CRM in the main window'});
		expect(classifyPageLoad(load({redirected: true, finalUrl: 'https://crm.example.com/login', hasPasswordField: true}), '')).toMatchObject({
			reason: 'the CRM sent the pop to its login page (/login): log in to the CRM in the main window',
		});
	});
});
