// A bounded, human-readable log of what happened (session events, CRM requests, pops, errors):
// the TUI's Events tab and status line read it, and every entry also goes to the log file.
export type ActivityLevel = 'info' | 'warn' | 'error';

export interface ActivityEntry {
	id: number;
	at: number;
	level: ActivityLevel;
	/** Where it came from: 'session', 'server', 'pops', 'pbx', 'app' … */
	source: string;
	text: string;
}

export interface ActivityLog {
	add(level: ActivityLevel, source: string, text: string): void;
	/** The newest entries, oldest first (an immutable array, replaced on every add). */
	getEntries(): readonly ActivityEntry[];
	subscribe(listener: () => void): () => void;
}

export interface ActivityLogOptions {
	now: () => number;
	limit?: number;
	/** Also write each entry somewhere durable (the pino log file). */
	sink?: (entry: ActivityEntry) => void;
}

export function createActivityLog({now, limit = 500, sink}: ActivityLogOptions): ActivityLog {
	// Appends are cheap (a request logs one line); the immutable snapshot a renderer needs is
	// built only when someone asks for it after a change.
	const entries: ActivityEntry[] = [];
	let snapshot: readonly ActivityEntry[] = [];
	let dirty = false;
	let nextId = 1;
	const listeners = new Set<() => void>();
	return {
		add(level, source, text) {
			const entry: ActivityEntry = {id: nextId++, at: now(), level, source, text};
			entries.push(entry);
			if (entries.length > limit * 2) entries.splice(0, entries.length - limit);
			dirty = true;
			sink?.(entry);
			for (const listener of listeners) listener();
		},
		getEntries() {
			if (dirty) {
				snapshot = entries.slice(Math.max(0, entries.length - limit));
				dirty = false;
			}
			return snapshot;
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
}
