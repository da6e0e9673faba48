// One readable line per session event, for the Events tab, headless stdout and the log file.
import type {ReconcileChange, SessionEvent, SessionState} from '../core/types.js';

export function describeEvent(event: SessionEvent, next: SessionState): string | null {
	switch (event.type) {
		case 'connection-changed':
			return event.connected
				? 'PBX connected'
				: `PBX disconnected${event.message ? `: ${event.message}` : ''}`;
		case 'agent-state-changed':
			return `PBX: agent ${event.state}${event.reason ? ` (${event.reason})` : ''}`;
		case 'agent-logged-in':
			return `Logged in as ${event.identity.user} (agent ${event.identity.agentId}, emp ${event.identity.empId}, groups ${event.identity.groups.join(',')})`;
		case 'call-offered':
			return `Ringing: ${event.number} in group ${event.groupId} (call ${event.callId})`;
		case 'call-dialing':
			return `Dialing ${event.number} (call ${event.callId})`;
		case 'call-answered':
			return `Answered${next.call ? `: ${next.call.number}` : ''}`;
		case 'call-held':
			return 'Call on hold';
		case 'call-resumed':
			return 'Call resumed';
		case 'consult-started':
			return `Consulting ${event.target}`;
		case 'consult-answered':
			return 'Consult answered';
		case 'consult-ended':
			return event.reason ? `Consult ended: ${event.reason}` : 'Consult ended';
		case 'call-transferred':
			return `Transferred (${event.mode}) to ${event.target}`;
		case 'call-ended': {
			const record = next.recentCalls[0];
			return `Call ended: ${event.cause}${record ? ` (${record.number}, call ${record.callId})` : ''}`;
		}
		case 'call-conferenced':
			return `Three-way call with ${event.party}`;
		case 'conference-party-left':
			return `${event.party} left the three-way call`;
		case 'call-muted':
			return 'Muted';
		case 'call-unmuted':
			return 'Unmuted';
		case 'dtmf-sent':
			return `DTMF sent: ${event.digits}`;
		case 'disposition-set':
			return `Call ${event.callId} coded "${event.disposition}"${event.note ? ` (note: ${event.note})` : ''}`;
		case 'wrap-up-started':
			return 'Wrap-up started';
		case 'wrap-up-ended':
			return event.expired
				? 'Wrap-up ended: its time ran out while the PBX was unreachable'
				: 'Wrap-up ended';
		case 'pbx-reconciled':
			return `Reconciled with the PBX: ${event.changes.map(describeChange).join('; ')}`;
		case 'queue-changed':
			return null; // too frequent for the log; the Queue tab shows it
	}
}

function describeChange(change: ReconcileChange): string {
	switch (change.what) {
		case 'member-added':
			return `re-added to ${change.queue}${change.paused ? `, paused${change.reason ? ` (${change.reason})` : ''}` : ', ready'}`;
		case 'member-paused':
			return `paused again in ${change.queue}${change.reason ? ` (${change.reason})` : ''}`;
		case 'member-unpaused':
			return `unpaused in ${change.queue}`;
		case 'call-adopted':
			return `took over the call with ${change.number || 'an unknown number'} already up`;
	}
}
