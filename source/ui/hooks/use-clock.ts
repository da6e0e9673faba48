// The one UI tick (house rule 7): re-renders every `intervalMs` only while `active`, so an idle
// screen costs nothing (INK-PITFALLS 6). Returns the time to render durations with.
import {useEffect, useState} from 'react';

export function useClock(now: () => number, intervalMs: number, active: boolean): number {
	const [time, setTime] = useState(now);
	useEffect(() => {
		if (!active) return;
		const timer = setInterval(() => setTime(now()), intervalMs);
		return () => clearInterval(timer);
	}, [now, intervalMs, active]);
	// Between ticks (and while inactive) a render still shows the current time: a state change
	// such as a new call must not show a stale duration.
	return Math.max(time, now());
}
