// Browser commands as argv, never through a shell: a pop URL carries PBX data (caller ids),
// and a shell would turn a crafted caller id into a command. The template is split once
// into words; `{url}` (or $BROWSER's `%s`) becomes part of one argv element.

/**
 * Splits a command template into words, POSIX-shell style but without any expansion: words are
 * separated by blanks; single quotes keep everything literally; double quotes keep blanks and
 * take `\"` and `\\` escapes; a backslash outside quotes escapes the next character.
 * Throws on an unterminated quote (config validation reports it).
 */
export function splitCommand(template: string): string[] {
	const words: string[] = [];
	let word = '';
	let inWord = false;
	let quote: '"' | "'" | null = null;
	for (let index = 0; index < template.length; index++) {
		const char = template[index]!;
		if (quote === "'") {
			if (char === "'") quote = null;
			else word += char;
			continue;
		}
		if (quote === '"') {
			if (char === '"') quote = null;
			else if (char === '\\' && (template[index + 1] === '"' || template[index + 1] === '\\')) word += template[++index];
			else word += char;
			continue;
		}
		if (char === ' ' || char === '\t' || char === '\n') {
			if (inWord) words.push(word);
			word = '';
			inWord = false;
			continue;
		}
		inWord = true;
		if (char === "'" || char === '"') quote = char;
		else if (char === '\\' && index + 1 < template.length) word += template[++index];
		else word += char;
	}
	if (quote) throw new Error(`unterminated ${quote} quote in browser command`);
	if (inWord) words.push(word);
	return words;
}

/** argv for a configured browser command: `{url}` replaced inside its word; the URL is appended when the template has none. */
export function browserCommandArgv(template: string, url: string): string[] {
	const words = splitCommand(template);
	const hasPlaceholder = words.some((word) => word.includes('{url}'));
	// A function replacer: a URL holding '$&' must not be read as a replacement pattern.
	const argv = words.map((word) => word.replaceAll('{url}', () => url));
	return hasPlaceholder ? argv : [...argv, url];
}

/**
 * The commands $BROWSER names, each as argv for `url`. The convention (Python's webbrowser,
 * xdg-utils, man-db): a colon-separated list tried in order; `%s` is the URL, `%%` a percent
 * sign; an entry without `%s` gets the URL as its last argument.
 */
export function browserEnvCommands(browser: string | undefined, url: string): string[][] {
	if (!browser) return [];
	return browser
		.split(':')
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '')
		.flatMap((entry) => {
			let words: string[];
			try {
				words = splitCommand(entry);
			} catch {
				return [];
			}
			if (words.length === 0) return [];
			const hasPlaceholder = words.some((word) => word.includes('%s'));
			const argv = words.map((word) => word.replace(/%[s%]/g, (match) => (match === '%s' ? url : '%')));
			return [hasPlaceholder ? argv : [...argv, url]];
		});
}
