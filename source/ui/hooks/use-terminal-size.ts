// Terminal size from Ink's stdout (never process.stdout: it breaks under tmux, gemini #11560),
// re-read on 'resize' so a change in rows alone re-lays out too (INK-PITFALLS 3).
import {useStdout} from 'ink';
import {useCallback, useEffect, useState} from 'react';

export interface TerminalSize {
	columns: number;
	rows: number;
}

export function useTerminalSize(): TerminalSize & {refresh(): void} {
	const {stdout} = useStdout();
	const read = useCallback(
		(): TerminalSize => ({columns: stdout.columns || 80, rows: stdout.rows || 24}),
		[stdout],
	);
	const [size, setSize] = useState(read);
	const refresh = useCallback(() => {
		setSize((previous) => {
			const next = read();
			return next.columns === previous.columns && next.rows === previous.rows ? previous : next;
		});
	}, [read]);
	useEffect(() => {
		stdout.on('resize', refresh);
		return () => {
			stdout.off('resize', refresh);
		};
	}, [stdout, refresh]);
	return {...size, refresh};
}
