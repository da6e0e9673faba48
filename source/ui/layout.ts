// How the screen is divided for a terminal size: pure, so each size is tested without a terminal.
// The frame stays one row short of the terminal (INK-PITFALLS 1: a frame as tall as the terminal
// makes Ink 6 clear the screen before every frame, which flickers).
export const minColumns = 60;
export const minRows = 20;
/** From this width the call and the queue stand side by side. */
export const sideBySideColumns = 100;
/** From this height recent history and events get a panel below. */
export const bottomPanelRows = 30;

export interface ScreenLayout {
	tooSmall: boolean;
	width: number;
	/** Rows the frame may use (terminal rows − 1). */
	height: number;
	sideBySide: boolean;
	/** Rows of the history/events panel below the main one; 0 = none. */
	bottomRows: number;
}

export function screenLayout(columns: number, rows: number): ScreenLayout {
	const width = Math.max(1, columns);
	const height = Math.max(1, rows - 1);
	const tooSmall = columns < minColumns || rows < minRows;
	return {
		tooSmall,
		width,
		height,
		sideBySide: !tooSmall && columns >= sideBySideColumns,
		bottomRows: !tooSmall && rows >= bottomPanelRows ? Math.min(12, Math.floor(height / 4) + 1) : 0,
	};
}
