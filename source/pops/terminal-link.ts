// Escape sequences for the SSH fallback: a clickable link (OSC 8) and a clipboard copy (OSC 52).
// Pure functions returning strings: nothing but Ink writes to the terminal (house rule 12), so
// the TUI decides where these go.
//
// The URL comes from configuration plus PBX data (caller ids): a control character in it could
// end the escape sequence early and inject terminal commands, so every C0/C1 control and DEL is
// removed before it is embedded. A URL needs none of them (they would be percent-encoded).

const ESC = '\u001B';
/** String Terminator (ESC \): understood by every terminal that knows OSC 8, unlike BEL in some multiplexers. */
const ST = `${ESC}\\`;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacters = /[\u0000-\u001F\u007F-\u009F]/g;

/** The text without C0/C1 control characters and DEL. */
export function stripControlCharacters(text: string): string {
	return text.replace(controlCharacters, '');
}

/**
 * An OSC 8 hyperlink: `text` shown, `url` opened on click (terminals that do not know OSC 8
 * show just the text, so callers pass the URL itself as the text to keep it visible in full).
 */
export function osc8(url: string, text: string = url): string {
	const safeUrl = stripControlCharacters(url);
	const safeText = stripControlCharacters(text);
	return `${ESC}]8;;${safeUrl}${ST}${safeText}${ESC}]8;;${ST}`;
}

/** An OSC 52 "set clipboard" sequence for `text` (selection c, base64 payload). */
export function osc52(text: string): string {
	const payload = Buffer.from(stripControlCharacters(text), 'utf8').toString('base64');
	return `${ESC}]52;c;${payload}${ST}`;
}
