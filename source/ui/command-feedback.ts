// What the status line says when a command succeeded (issue 14 item 4: success writes too).
import type {Command} from '../core/types.js';
import type {Translate} from './i18n/index.js';

export function successMessage(command: Command, t: Translate, label: (id: string) => string): string | null {
	switch (command.type) {
		case 'login':
			return t('message.loggedIn', {user: command.user});
		case 'logout':
			return t('done.logout');
		case 'ready':
			return t('done.ready');
		case 'away':
			return t('done.away', {reason: label(command.reason)});
		case 'answer':
			return t('done.answer');
		case 'hangup':
			return t('done.hangup');
		case 'hold':
			return t('done.hold');
		case 'unhold':
			return t('done.unhold');
		case 'dial':
			return t('done.dial', {number: command.number});
		case 'transfer':
			return t(command.mode === 'blind' ? 'done.transfer' : 'done.consult', {target: command.target});
		case 'complete-transfer':
			return t('done.complete');
		case 'cancel-transfer':
			return t('done.cancelTransfer');
		case 'conference':
			return t('done.conference');
		case 'dtmf':
			return t('done.dtmf', {digits: command.digits});
		case 'mute':
			return t('done.mute');
		case 'unmute':
			return t('done.unmute');
		case 'disposition':
			return t('done.code', {code: label(command.code), call: command.callId ?? ''});
		case 'inject-call':
			return t('done.inject');
	}
}
