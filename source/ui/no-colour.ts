// NO_COLOR (no-color.org): no colours, but bold, dim and reverse video stay, so the banner and
// the selected tab still stand out. chalk knows only FORCE_COLOR=0, which drops every style, so
// the TUI gets a stdout that removes the colour parameters from each SGR sequence instead.

/** `text` without foreground/background colour parameters (basic, bright, 256 and true colour). */
export function stripColours(text: string): string {
	// eslint-disable-next-line no-control-regex -- matching the terminal's own escape sequences
	return text.replace(/\u001B\[([0-9;]*)m/g, (_all, params: string) => {
		const parts = params.split(';');
		const kept: string[] = [];
		for (let index = 0; index < parts.length; index++) {
			const code = Number(parts[index] || 0);
			if (code === 38 || code === 48) {
				// 38;5;n or 38;2;r;g;b
				index += parts[index + 1] === '5' ? 2 : 4;
				continue;
			}
			const colour =
				(code >= 30 && code <= 39) ||
				(code >= 40 && code <= 49) ||
				(code >= 90 && code <= 97) ||
				(code >= 100 && code <= 107);
			if (!colour) kept.push(parts[index]!);
		}
		return kept.length > 0 ? `\u001B[${kept.join(';')}m` : '';
	});
}

/** The same stream, writing without colours (everything else, resize events included, is the stream's own). */
export function withoutColours(stream: NodeJS.WriteStream): NodeJS.WriteStream {
	const write = (chunk: unknown, ...rest: unknown[]) =>
		(stream.write as (...args: unknown[]) => boolean)(
			typeof chunk === 'string' ? stripColours(chunk) : chunk,
			...rest,
		);
	return new Proxy(stream, {
		get(target, property) {
			if (property === 'write') return write;
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function'
				? (value as (...args: unknown[]) => unknown).bind(target)
				: value;
		},
	});
}
