// A pop or link that could not open a browser: a clickable OSC 8 hyperlink with the URL in full,
// so an agent over SSH can still click or copy it.
import {Text, Transform} from 'ink';

/** Control characters would let a URL inject terminal escapes. */
function sanitize(url: string): string {
	return url.replace(/\p{Cc}/gu, '');
}

export function TerminalLink({label, url}: {label: string; url: string}) {
	const clean = sanitize(url);
	return (
		<Transform transform={(line) => `\u001B]8;;${clean}\u0007${line}\u001B]8;;\u0007`}>
			<Text color="blueBright" wrap="wrap">
				{label}: {clean}
			</Text>
		</Transform>
	);
}
