// The status line as the feedback channel (issue 14 item 4): the result of every command the
// agent gave (success too), and every new Events line worth a look (a CRM request that changed
// or was refused, the PBX link, a pop that failed). A message fades after `fadeMs`, or when the
// next one comes. The lines made here also go to the Events tab, so a message cut at the
// terminal's width can be read there whole.
import {useCallback, useEffect, useRef, useState} from 'react';
import type {ActivityEntry, ActivityLevel} from '../../session/activity-log.js';
import type {ExternalSource} from '../desk.js';

export interface FeedbackMessage {
	id: number;
	at: number;
	text: string;
	level: ActivityLevel;
}

/** Requests that only read (status polls, the event stream) are not news. */
const quiet = /(status\.cgi|\/api\/(status|events|snapshot|settings)|WebSocket client)/;

export function isNews(entry: ActivityEntry): boolean {
	return !(entry.source === 'server' && entry.level === 'info' && quiet.test(entry.text));
}

export interface Feedback {
	message: FeedbackMessage | null;
	/** The lines this screen made, oldest first (merged into the Events tab). */
	own: readonly FeedbackMessage[];
	push(text: string, level: ActivityLevel): void;
}

let nextId = 1;

export function useFeedback(
	activity: ExternalSource<readonly ActivityEntry[]>,
	translate: (text: string) => string,
	now: () => number,
	fadeMs: number,
): Feedback {
	const [message, setMessage] = useState<FeedbackMessage | null>(null);
	const [own, setOwn] = useState<readonly FeedbackMessage[]>([]);
	const lastSeen = useRef<number | null>(null);

	useEffect(() => {
		const show = (entry: ActivityEntry) =>
			setMessage({id: nextId++, at: entry.at, text: translate(entry.text), level: entry.level});
		const entries = activity.getSnapshot();
		if (lastSeen.current === null) {
			// At start, only a problem from before the screen came up (the local API is off …).
			lastSeen.current = entries.at(-1)?.id ?? 0;
			const problem = entries.findLast((entry) => entry.level !== 'info');
			if (problem) show(problem);
		}
		return activity.subscribe(() => {
			const latest = activity.getSnapshot();
			const seen = lastSeen.current ?? 0;
			const fresh = latest.filter((entry) => entry.id > seen);
			if (fresh.length === 0) return;
			lastSeen.current = fresh.at(-1)!.id;
			const news = fresh.findLast(isNews);
			if (news) show(news);
		});
	}, [activity, translate]);

	useEffect(() => {
		if (!message) return;
		const timer = setTimeout(
			() => setMessage((current) => (current?.id === message.id ? null : current)),
			message.level === 'error' ? fadeMs * 2 : fadeMs,
		);
		return () => clearTimeout(timer);
	}, [message, fadeMs]);

	const push = useCallback(
		(text: string, level: ActivityLevel) => {
			const entry = {id: nextId++, at: now(), text, level};
			setMessage(entry);
			setOwn((previous) => [...previous.slice(-99), entry]);
		},
		[now],
	);
	return {message, own, push};
}
