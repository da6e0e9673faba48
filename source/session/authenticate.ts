// Login (key or login.cgi) checks the agent directory of the config, whatever the PBX.
import {findAgent, verifyLoginSecret} from '../config/password.js';
import type {Config} from '../config/schema.js';
import type {AgentIdentity} from '../core/types.js';

export function createAuthenticator(config: Pick<Config, 'agent' | 'agents'>) {
	return (user: string, secret: string): AgentIdentity | null => {
		const entry = findAgent(config, user);
		if (!entry || !verifyLoginSecret(secret, entry)) return null;
		return {
			user: entry.user,
			agentId: entry.agentId,
			empId: entry.empId,
			// The desk's own phone when the desk's agent logs in; otherwise the user's id as extension.
			extension: user === config.agent.user ? config.agent.extension : entry.user,
			groups: entry.groups,
		};
	};
}
