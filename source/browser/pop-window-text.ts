// A pop window as the settings screen shows it: "900x700+40+40" (X11 geometry), "" for a tab.
// The schema parses the same text back (config/schema.ts popWindow).
import type {PopWindowConfig} from '../config/schema.js';

const signed = (value: number) => (value < 0 ? String(value) : `+${value}`);

export function formatPopWindow(window: PopWindowConfig | undefined): string {
	if (!window) return '';
	const size = `${window.width}x${window.height}`;
	return window.x === undefined || window.y === undefined ? size : `${size}${signed(window.x)}${signed(window.y)}`;
}
