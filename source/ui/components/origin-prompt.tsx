// First contact from a CRM origin not allowed yet (the server holds the request up to 30 s):
// a non-modal prompt above the status line. Its keys (a/o/d) act only while it is shown.
import {Box, Text} from 'ink';
import type {OriginRequest} from '../desk.js';
import type {Translate} from '../i18n/index.js';

/** Border and two lines: the question wraps on an 80-column screen. */
export const originPromptRows = 4;

export function OriginPrompt({
	request,
	now,
	t,
	width,
}: {
	request: OriginRequest;
	now: number;
	t: Translate;
	width: number;
}) {
	const seconds = Math.max(0, Math.ceil((request.expiresAt - now) / 1000));
	let host = request.origin;
	try {
		host = new URL(request.origin).host || request.origin;
	} catch {
		// Not a URL: show it as it came.
	}
	return (
		<Box width={width} height={originPromptRows} borderStyle="round" borderColor="yellow" paddingX={1} flexShrink={0}>
			<Text wrap="wrap">
				<Text bold color="yellow">
					{t('origin.asks', {origin: host, verb: request.verb})}
				</Text>{' '}
				<Text color="cyan">{t('origin.choices')}</Text> <Text dimColor>({seconds}s)</Text>
			</Text>
		</Box>
	);
}
