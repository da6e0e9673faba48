// The session's driver, which a reconnect with new PBX settings can swap for another (sim ↔
// asterisk, another host) without a new session store: the store, the TUI, pops and the local
// API keep their subscriptions. Swapped only while the agent is logged out (app.ts checks), so
// no call or login lives in the driver that goes away.
import type {PresenceIntent} from './core/types.js';
import type {Driver, DriverListener} from './cti/driver.js';

export interface SwitchableDriver extends Driver {
	/** Disconnects the current driver, then connects `next` and forwards its events instead. */
	replace(next: Driver): Promise<void>;
}

export function createSwitchableDriver(initial: Driver): SwitchableDriver {
	let current = initial;
	const listeners = new Set<DriverListener>();
	const forward: DriverListener = (event) => {
		for (const listener of listeners) listener(event);
	};
	let unsubscribe = current.onEvent(forward);
	let lastIntent: PresenceIntent | null = null;
	return {
		get name() {
			return current.name;
		},
		get capabilities() {
			return current.capabilities;
		},
		connect: () => current.connect(),
		disconnect: () => current.disconnect(),
		onEvent(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		login: (agent) => current.login(agent),
		logout: () => current.logout(),
		setReady: () => current.setReady(),
		setNotReady: (reason) => current.setNotReady(reason),
		setIntent(intent) {
			// Kept, so a driver swapped in later starts from the agent's intent too.
			lastIntent = intent;
			current.setIntent?.(intent);
		},
		dial: (number) => current.dial(number),
		answer: () => current.answer(),
		hangup: () => current.hangup(),
		hold: () => current.hold(),
		unhold: () => current.unhold(),
		transfer: (target, mode) => current.transfer(target, mode),
		completeTransfer: () => current.completeTransfer(),
		cancelTransfer: () => current.cancelTransfer(),
		conference: () => current.conference(),
		sendDtmf: (digits) => current.sendDtmf(digits),
		mute: () => current.mute(),
		unmute: () => current.unmute(),
		injectCall: () => (current.injectCall ? current.injectCall() : Promise.resolve({ok: false, code: 'not-supported', message: 'Simulator only.'})),
		async replace(next) {
			// The old driver's last events (connection down) still reach the session.
			await current.disconnect();
			unsubscribe();
			current = next;
			unsubscribe = current.onEvent(forward);
			if (lastIntent) current.setIntent?.(lastIntent);
			await current.connect();
		},
	};
}
