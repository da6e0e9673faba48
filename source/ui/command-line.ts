// The `:` command line: words → the same session commands the keys send (one way of doing each
// thing). Pure, so parsing and completion are tested without a terminal.
import type {Command, TransferMode} from '../core/types.js';

export interface CommandLineContext {
	reasons: readonly string[];
	dispositions: readonly string[];
	/** The last finished call's wrap-up code, for `:note` (a note belongs to a code). */
	lastDisposition: string | null;
	/** For `:hold`, which toggles. */
	held: boolean;
}

export type CommandLineResult =
	| {ok: true; command: Command}
	| {ok: true; ui: 'help' | 'login' | 'quit' | 'reopen-pop'}
	| {ok: false; message: string};

interface Verb {
	name: string;
	usage: string;
	/** Words that may follow, for completion. */
	arguments?: (context: CommandLineContext) => readonly string[];
	parse(args: string[], rest: string, context: CommandLineContext): CommandLineResult;
}

const dialable = /^[0-9*#+]{1,32}$/;

function phone(value: string | undefined, what: string): string | {message: string} {
	const cleaned = (value ?? '').replace(/[\s().-]/g, '');
	if (!cleaned) return {message: `Give a ${what}.`};
	return dialable.test(cleaned)
		? cleaned
		: {message: `"${value}" is not a ${what}: use digits, +, * and #.`};
}

const simple = (name: string, command: Command, usage = `:${name}`): Verb => ({
	name,
	usage,
	parse: (args) =>
		args.length === 0 ? {ok: true, command} : {ok: false, message: `${usage} takes no arguments.`},
});

export const verbs: readonly Verb[] = [
	{
		name: 'dial',
		usage: ':dial NUMBER',
		parse(args) {
			const number = phone(args.join(''), 'phone number');
			return typeof number === 'string'
				? {ok: true, command: {type: 'dial', number}}
				: {ok: false, ...number};
		},
	},
	{
		name: 'xfer',
		usage: ':xfer TARGET [blind|consult]',
		arguments: () => ['blind', 'consult'],
		parse(args) {
			const mode = (args[1] ?? 'blind') as TransferMode;
			if (mode !== 'blind' && mode !== 'consult')
				return {ok: false, message: 'Transfer mode is blind or consult.'};
			if (args.length > 2) return {ok: false, message: 'Usage: :xfer TARGET [blind|consult]'};
			const target = phone(args[0], 'transfer target');
			return typeof target === 'string'
				? {ok: true, command: {type: 'transfer', target, mode}}
				: {ok: false, ...target};
		},
	},
	{
		name: 'away',
		usage: ':away REASON',
		arguments: (context) => context.reasons,
		parse(args, rest, context) {
			const reason = rest.trim() || context.reasons[0];
			if (!reason) return {ok: false, message: 'Give a reason.'};
			if (!context.reasons.includes(reason)) {
				return {
					ok: false,
					message: `Unknown reason "${reason}": one of ${context.reasons.join(', ')}.`,
				};
			}
			return {ok: true, command: {type: 'away', reason}};
		},
	},
	simple('ready', {type: 'ready'}),
	simple('answer', {type: 'answer'}),
	simple('hangup', {type: 'hangup'}),
	{
		name: 'hold',
		usage: ':hold',
		parse: (args, _rest, context) =>
			args.length === 0
				? {ok: true, command: {type: context.held ? 'unhold' : 'hold'}}
				: {ok: false, message: ':hold takes no arguments (it toggles).'},
	},
	simple('unhold', {type: 'unhold'}),
	simple('conf', {type: 'conference'}),
	simple('complete', {type: 'complete-transfer'}),
	simple('cancel', {type: 'cancel-transfer'}),
	simple('mute', {type: 'mute'}),
	simple('unmute', {type: 'unmute'}),
	{
		name: 'dtmf',
		usage: ':dtmf DIGITS',
		parse(args) {
			const digits = args.join('').toUpperCase();
			return /^[0-9*#A-D]{1,32}$/.test(digits)
				? {ok: true, command: {type: 'dtmf', digits}}
				: {ok: false, message: 'DTMF digits are 0-9, *, # and A-D.'};
		},
	},
	{
		name: 'code',
		usage: ':code DISPOSITION [NOTE…]',
		arguments: (context) => context.dispositions,
		parse(args, rest, context) {
			const [code] = args;
			if (!code || !context.dispositions.includes(code)) {
				return {ok: false, message: `Wrap-up code is one of ${context.dispositions.join(', ')}.`};
			}
			const note = rest.trim().slice(code.length).trim();
			return {ok: true, command: {type: 'disposition', code, note: note || null}};
		},
	},
	{
		name: 'note',
		usage: ':note TEXT',
		parse(_args, rest, context) {
			const note = rest.trim();
			if (!note) return {ok: false, message: 'Write the note after :note.'};
			if (!context.lastDisposition)
				return {ok: false, message: 'Pick a wrap-up code first: :code <code> [note]'};
			return {ok: true, command: {type: 'disposition', code: context.lastDisposition, note}};
		},
	},
	simple('logout', {type: 'logout'}),
	simple('inject', {type: 'inject-call'}),
	{name: 'login', usage: ':login', parse: () => ({ok: true, ui: 'login'})},
	{name: 'pop', usage: ':pop (re-open the last pop)', parse: () => ({ok: true, ui: 'reopen-pop'})},
	{name: 'help', usage: ':help', parse: () => ({ok: true, ui: 'help'})},
	{name: 'quit', usage: ':quit', parse: () => ({ok: true, ui: 'quit'})},
];

export function parseCommandLine(text: string, context: CommandLineContext): CommandLineResult {
	const trimmed = text.replace(/^:/, '').trim();
	if (!trimmed)
		return {
			ok: false,
			message: 'Type a command, e.g. :dial 13900139000 (Tab completes, :help lists).',
		};
	const [name = '', ...args] = trimmed.split(/\s+/);
	const verb = verbs.find((candidate) => candidate.name === name.toLowerCase());
	if (!verb) {
		const close = verbs.filter((candidate) =>
			candidate.name.startsWith(name.toLowerCase().slice(0, 2)),
		);
		const hint =
			close.length > 0
				? ` Did you mean ${close.map((candidate) => `:${candidate.name}`).join(', ')}?`
				: '';
		return {ok: false, message: `Unknown command :${name}.${hint}`};
	}
	return verb.parse(args, trimmed.slice(name.length), context);
}

/** Completions for the text typed so far: whole replacement lines, in a stable order. */
export function complete(text: string, context: CommandLineContext): string[] {
	const body = text.replace(/^:/, '');
	const words = body.split(/\s+/);
	if (words.length <= 1) {
		const prefix = (words[0] ?? '').toLowerCase();
		return verbs.filter((verb) => verb.name.startsWith(prefix)).map((verb) => `${verb.name} `);
	}
	const verb = verbs.find((candidate) => candidate.name === words[0]!.toLowerCase());
	const options = verb?.arguments?.(context) ?? [];
	const prefix = words[words.length - 1]!;
	const head = words.slice(0, -1).join(' ');
	return options.filter((option) => option.startsWith(prefix)).map((option) => `${head} ${option}`);
}

export function usageLines(): string[] {
	return verbs.map((verb) => verb.usage);
}
