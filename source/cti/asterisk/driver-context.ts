// What every part of the Asterisk driver shares: the config, the link, the clock and the one
// way out for events. Built once by asterisk-driver.ts and handed to each module.
import type {AsteriskConfig} from '../../config/schema.js';
import type {DriverEvent} from '../../core/types.js';
import type {AsteriskDialplan} from './dialplan.js';
import type {AmiLink} from './link.js';
import type {QueueGroups} from './queue-groups.js';

export interface DriverContext {
	readonly config: AsteriskConfig;
	/** The agent's device, e.g. `PJSIP/101` or `Local/101@agent-phone`. */
	readonly iface: string;
	readonly groups: QueueGroups;
	readonly dialplan: AsteriskDialplan;
	readonly link: AmiLink;
	now(): number;
	emit(event: DriverEvent): void;
	/** AMI events seen so far: a list reply sent before a later event is stale for that thing. */
	eventSeq(): number;
	/** `value` names the agent's device (Interface, Location): case-insensitive technology. */
	ours(value: string | undefined): boolean;
}

export function isInterface(value: string | undefined, iface: string): boolean {
	return value !== undefined && (value === iface || value.toLowerCase() === iface.toLowerCase());
}
