// AmiAction → bytes. A CR or LF inside a value would let a caller (or a CRM page passing a
// phone number) inject a second action (`'1000\r\nAction: Originate'`); a NUL truncates the
// line in Asterisk's C string handling. So every key and value is checked before anything is
// built, and the error names the field.

export type AmiValue = string | number | boolean;

export interface AmiAction {
	Action: string;
	[key: string]: AmiValue | readonly AmiValue[] | undefined;
}

export class AmiSerializeError extends Error {
	readonly field: string;
	constructor(field: string, message: string) {
		super(message);
		this.name = 'AmiSerializeError';
		this.field = field;
	}
}

// CR, LF, NUL anywhere; a colon or blank in a key would shift the key/value split.
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;
const FORBIDDEN_IN_KEY = /[\r\n\0:\s]/;

const describe = (text: string): string => {
	const bad = /[\r\n\0]/.exec(text)?.[0];
	return bad === '\r'
		? 'a CR'
		: bad === '\n'
			? 'a LF'
			: bad === '\0'
				? 'a NUL'
				: 'a colon or blank';
};

const toText = (key: string, value: AmiValue): string => {
	if (typeof value === 'string') return value;
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	if (!Number.isFinite(value))
		throw new AmiSerializeError(key, `AMI field "${key}" is not a finite number`);
	return String(value);
};

/**
 * Builds the wire text of one action: `Key: value` lines with CRLF and the closing blank line.
 * Arrays repeat the key (several `Variable:` lines); undefined fields are left out.
 * Throws AmiSerializeError before building anything if a key or value holds CR, LF or NUL.
 */
export function serializeAction(action: AmiAction): string {
	const lines: string[] = [];
	for (const key of Object.keys(action)) {
		const raw = action[key];
		if (raw === undefined) continue;
		if (key.length === 0 || FORBIDDEN_IN_KEY.test(key)) {
			throw new AmiSerializeError(
				key,
				`AMI field name ${JSON.stringify(key)} is refused: it is empty or contains ${describe(key)}`,
			);
		}
		const values = Array.isArray(raw) ? (raw as readonly AmiValue[]) : [raw as AmiValue];
		for (const value of values) {
			const text = toText(key, value);
			if (FORBIDDEN_IN_VALUE.test(text)) {
				throw new AmiSerializeError(
					key,
					`AMI field "${key}" is refused: its value contains ${describe(text)}`,
				);
			}
			lines.push(`${key}: ${text}\r\n`);
		}
	}
	if (typeof action.Action !== 'string' || action.Action.length === 0) {
		throw new AmiSerializeError('Action', 'AMI action has no Action name');
	}
	return lines.join('') + '\r\n';
}
