// Terminal columns a string takes: East Asian wide characters (中文 labels) take two.
// Enough for layout decisions like toolbar wrapping; Ink itself measures what it renders.
export function displayWidth(text: string): number {
	let width = 0;
	for (const character of text) {
		const code = character.codePointAt(0)!;
		width += isWide(code) ? 2 : 1;
	}
	return width;
}

function isWide(code: number): boolean {
	return (
		(code >= 0x1100 && code <= 0x115f) ||
		(code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
		(code >= 0xac00 && code <= 0xd7a3) ||
		(code >= 0xf900 && code <= 0xfaff) ||
		(code >= 0xfe30 && code <= 0xfe4f) ||
		(code >= 0xff00 && code <= 0xff60) ||
		(code >= 0xffe0 && code <= 0xffe6) ||
		(code >= 0x20000 && code <= 0x3fffd)
	);
}

/** Cuts `text` to `width` columns (ending in "…" when cut). */
export function truncateToWidth(text: string, width: number): string {
	if (width <= 0) return '';
	if (displayWidth(text) <= width) return text;
	let out = '';
	let used = 0;
	for (const character of text) {
		const characterWidth = isWide(character.codePointAt(0)!) ? 2 : 1;
		if (used + characterWidth > width - 1) break;
		out += character;
		used += characterWidth;
	}
	return out + '…';
}

/** `text` cut or padded with spaces to exactly `width` columns. */
export function fitToWidth(text: string, width: number): string {
	const cut = truncateToWidth(text, width);
	return cut + ' '.repeat(Math.max(0, width - displayWidth(cut)));
}
