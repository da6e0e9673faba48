// A three-row font for phone numbers, so the caller's number reads from a step back (issue 14
// item 1). Box-drawing glyphs, three columns each: the same characters Ink draws borders with,
// so every terminal that shows our panels shows these at the same width.
const glyphs: Record<string, readonly [string, string, string]> = {
	'0': ['┌─┐', '│ │', '└─┘'],
	'1': ['╶┐ ', ' │ ', '╶┴╴'],
	'2': ['╶─┐', '┌─┘', '└─╴'],
	'3': ['╶─┐', ' ─┤', '╶─┘'],
	'4': ['╷ ╷', '└─┤', '  ╵'],
	'5': ['┌─╴', '└─┐', '╶─┘'],
	'6': ['┌─╴', '├─┐', '└─┘'],
	'7': ['╶─┐', '  │', '  ╵'],
	'8': ['┌─┐', '├─┤', '└─┘'],
	'9': ['┌─┐', '└─┤', '╶─┘'],
	'+': ['   ', '╶┼╴', '   '],
	'*': ['   ', ' * ', '   '],
	'#': ['   ', ' # ', '   '],
};

/** Columns the big rendering of `text` takes (one blank column between glyphs). */
export function bigWidth(text: string): number {
	return text.length === 0 ? 0 : text.length * 4 - 1;
}

/** Three lines, or null when `text` holds a character the font has no glyph for. */
export function bigDigits(text: string): [string, string, string] | null {
	const rows: [string[], string[], string[]] = [[], [], []];
	for (const character of text) {
		const glyph = glyphs[character];
		if (!glyph) return null;
		for (let row = 0; row < 3; row++) rows[row]!.push(glyph[row]!);
	}
	return [rows[0].join(' '), rows[1].join(' '), rows[2].join(' ')];
}
