// The dialplan names and feature codes the driver relies on. Defaults match the fixture configs
// (test/fixtures/asterisk-ami/config); the user's pbx.asterisk keys override them.
import type {AsteriskConfig} from '../../config/schema.js';

export interface AsteriskDialplan {
	/** Context the customer waits in while held (plays music on hold). */
	holdContext: string;
	holdExten: string;
	/** Context the agent's channel waits in while the customer is held. */
	agentWaitContext: string;
	agentWaitExten: string;
	/** How a blind transfer is done: BlindTransfer (keeps queue stats right) or Redirect (works without a bridge). */
	blindTransferAction: 'BlindTransfer' | 'Redirect';
	/** features.conf atxferthreeway (Asterisk's default is *3). */
	threeWayDigits: string;
	/** features.conf atxferabort (Asterisk's default is *1). */
	abortDigits: string;
}

export const defaultDialplan: AsteriskDialplan = {
	holdContext: 'hold',
	holdExten: 's',
	agentWaitContext: 'agent-wait',
	agentWaitExten: 's',
	blindTransferAction: 'BlindTransfer',
	threeWayDigits: '*3',
	abortDigits: '*1',
};

/** The names the user configured (pbx.asterisk), then any the caller overrides. */
export function resolveDialplan(
	config: AsteriskConfig,
	overrides: Partial<AsteriskDialplan> = {},
): AsteriskDialplan {
	return {
		...defaultDialplan,
		holdContext: config.holdContext ?? defaultDialplan.holdContext,
		agentWaitContext: config.agentWaitContext ?? defaultDialplan.agentWaitContext,
		blindTransferAction: config.blindTransfer ?? defaultDialplan.blindTransferAction,
		...overrides,
	};
}
