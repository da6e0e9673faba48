// Writes the ring sequences (ring-sequences.ts) once when a call starts ringing at this desk, and
// restores the title when it stops. Written through Ink's stdout between frames: none of these
// sequences moves the cursor, so the frame is untouched (never console.log: INK-PITFALLS 7).
import {useStdout} from 'ink';
import {useEffect} from 'react';
import {ringEndSequences, ringStartSequences, type RingAlertSettings} from '../ring-sequences.js';

export function useRingAlert(
	ringing: {callId: string; number: string} | null,
	notification: string,
	settings: RingAlertSettings,
	tmux: boolean,
) {
	const {stdout} = useStdout();
	const callId = ringing?.callId ?? null;
	const number = ringing?.number ?? '';
	const {bell, notify, title} = settings;
	useEffect(() => {
		if (callId === null) return;
		const current = {bell, notify, title};
		stdout.write(ringStartSequences(number, notification, current, {tmux}));
		return () => {
			const end = ringEndSequences(current, {tmux});
			if (end) stdout.write(end);
		};
	}, [callId, number, notification, bell, notify, title, tmux, stdout]);
}
