// Layout and key routing only: toolbar, status panel, tabs, status line. Every action goes to the
// session as a command (house rule 3); components are fed by props and sized by the terminal.
import {Box, Text, useInput, type Key} from 'ink';
import {Tab, Tabs} from 'ink-tab';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {Command, Result} from '../core/types.js';
import {availability} from './availability.js';
import {CallView} from './components/call-view.js';
import {EventLog} from './components/event-log.js';
import {HelpOverlay} from './components/help-overlay.js';
import {HistoryTable} from './components/history-table.js';
import {LinksList} from './components/links-list.js';
import {Picker} from './components/picker.js';
import {PopsList} from './components/pops-list.js';
import {Prompt} from './components/prompt.js';
import {QueueTable} from './components/queue-table.js';
import {SettingsScreen} from './components/settings-screen.js';
import {StatusLine} from './components/status-line.js';
import {StatusPanel} from './components/status-panel.js';
import {Toolbar, type ToolbarItem} from './components/toolbar.js';
import type {Desk} from './desk.js';
import {useClock} from './hooks/use-clock.js';
import {useExternal} from './hooks/use-external.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {createTranslate} from './i18n/index.js';
import {translateRefusal} from './i18n/refusals.js';
import {complete, parseCommandLine, usageLines} from './command-line.js';
import {createKeymap, matchKey, type UiAction} from './keymap.js';
import {
	dialCharacters,
	editText,
	moveSelection,
	printable,
	splitKeys,
	type Overlay,
} from './overlay.js';
import {displayWidth} from './text-width.js';

export const tabNames = ['call', 'queue', 'history', 'pops', 'links', 'events'] as const;
export type TabName = (typeof tabNames)[number];

export type ExitChoice = 'detach' | 'stop' | 'stop-logout';

export interface AppProps {
	desk: Desk;
	/** Leaves the TUI: detach (attached only: the instance keeps running), or stop the session, logging out first. */
	onExit(choice: ExitChoice): void;
	/** Clears the terminal and repaints every line (Ctrl+L). */
	onRedraw?: () => void;
}

type Message = {text: string; level: 'info' | 'warn' | 'error'} | null;

export function App({desk, onExit, onRedraw}: AppProps) {
	const t = useMemo(() => createTranslate(desk.settings.language), [desk.settings.language]);
	const bindings = useMemo(() => createKeymap(desk.settings.keys), [desk.settings.keys]);
	const session = useExternal(desk.session);
	const activity = useExternal(desk.activity);
	const pops = useExternal(desk.pops);
	const server = useExternal(desk.server);
	const {columns, rows, refresh} = useTerminalSize();

	const [overlay, setOverlayState] = useState<Overlay | null>(null);
	// Several keys can arrive in one chunk: the ref always holds the latest overlay (house rule 13).
	const overlayRef = useRef<Overlay | null>(null);
	const setOverlay = useCallback((next: Overlay | null) => {
		overlayRef.current = next;
		setOverlayState(next);
	}, []);
	const [tab, setTab] = useState<TabName>('call');
	const tabRef = useRef<TabName>('call');
	const [queueOffset, setQueueOffset] = useState(0);
	const [linkIndex, setLinkIndex] = useState(0);
	const [message, setMessage] = useState<Message>(null);
	const [, setRedrawCount] = useState(0);
	const commandHistory = useRef<string[]>([]);

	// After a call, offer the wrap-up codes once per wrap-up (a subscription, not an effect that
	// sets state on render: the store tells us when it changed).
	const lastWrapUp = useRef<number | null>(null);
	useEffect(
		() =>
			desk.session.subscribe(() => {
				const startedAt = desk.session.getSnapshot().agent.wrapUp?.startedAt ?? null;
				if (startedAt === null || startedAt === lastWrapUp.current) return;
				lastWrapUp.current = startedAt;
				if (overlayRef.current === null && desk.settings.dispositions.length > 0) {
					setOverlay({kind: 'disposition', selected: 0});
				}
			}),
		[desk, setOverlay],
	);

	const liveDuration = session.agent.state !== 'logged-out' || session.queue.length > 0;
	const now = useClock(desk.now, 1000, liveDuration);

	const run = useCallback(
		(command: Command, success?: string) => {
			void desk.session.run(command).then((result: Result) => {
				if (!result.ok)
					setMessage({
						text: translateRefusal(result.message, desk.settings.language),
						level: 'error',
					});
				else if (success) setMessage({text: success, level: 'info'});
			});
		},
		[desk.session, desk.settings.language],
	);

	function submitText(current: Extract<Overlay, {value: string}>) {
		const value = current.value;
		switch (current.kind) {
			case 'login':
				setOverlay(null);
				run(
					{type: 'login', user: desk.settings.agentUser, password: value},
					t('message.loggedIn', {user: desk.settings.agentUser}),
				);
				return;
			case 'dial':
				if (!value) return;
				setOverlay(null);
				run({type: 'dial', number: value});
				return;
			case 'transfer-target':
				if (!value) return;
				setOverlay({kind: 'transfer-mode', target: value, selected: 0});
				return;
			case 'admin-password':
				if (desk.admin?.verifyPassword(value)) openSettings();
				else setOverlay({...current, value: '', error: t('settings.wrongPassword')});
				return;
			case 'admin-new':
				if (current.first === null) {
					if (value.length < 4) setOverlay({...current, value: '', error: t('settings.tooShort')});
					else setOverlay({...current, first: value, value: '', error: null});
				} else if (current.first !== value) {
					setOverlay({kind: 'admin-new', value: '', first: null, error: t('settings.mismatch')});
				} else {
					const result = desk.admin!.setPassword(value);
					if (result.ok) openSettings();
					else setOverlay({kind: 'admin-new', value: '', first: null, error: result.message});
				}
				return;
		}
	}

	function handleCommandKey(current: Extract<Overlay, {kind: 'command'}>, input: string, key: Key) {
		const history = commandHistory.current;
		const snapshot = desk.session.getSnapshot();
		const context = {
			reasons: desk.settings.reasons,
			dispositions: desk.settings.dispositions,
			lastDisposition: snapshot.recentCalls[0]?.disposition ?? null,
			held: snapshot.agent.state === 'held',
		};
		if (key.tab) {
			const completions = current.completions ?? complete(current.value, context);
			if (completions.length === 0) return;
			const index = current.completions ? (current.completionIndex + 1) % completions.length : 0;
			setOverlay({
				...current,
				value: completions[index]!,
				completions: completions.length > 1 ? completions : null,
				completionIndex: index,
				error: null,
			});
			return;
		}
		if (key.upArrow || key.downArrow) {
			if (history.length === 0) return;
			const from = current.historyIndex ?? history.length;
			const index = Math.max(0, Math.min(history.length, from + (key.upArrow ? -1 : 1)));
			setOverlay({...current, value: history[index] ?? '', historyIndex: index, completions: null});
			return;
		}
		if (key.return) {
			const text = current.value.trim();
			if (!text) return;
			if (history[history.length - 1] !== text) history.push(text);
			if (history.length > 100) history.shift();
			const result = parseCommandLine(text, context);
			if (!result.ok) {
				setOverlay({...current, error: result.message, completions: null, historyIndex: null});
				return;
			}
			setOverlay(null);
			if ('command' in result) run(result.command);
			else if (result.ui === 'reopen-pop') startAction('pops');
			else startAction(result.ui);
			return;
		}
		const value = editText(current.value, input, key, printable);
		if (value !== null)
			setOverlay({...current, value, error: null, completions: null, historyIndex: null});
	}

	function openSettings() {
		setOverlay({
			kind: 'settings',
			fields: desk.admin!.fields(),
			selected: 0,
			editing: null,
			message: null,
		});
	}

	function handleSettingsKey(
		current: Extract<Overlay, {kind: 'settings'}>,
		input: string,
		key: Key,
	) {
		const field = current.fields[current.selected]!;
		if (current.editing !== null) {
			if (key.return) {
				const fields = current.fields.map((item, index) =>
					index === current.selected ? {...item, value: current.editing!} : item,
				);
				setOverlay({...current, fields, editing: null});
				return;
			}
			const value = editText(current.editing, input, key, printable);
			if (value !== null) setOverlay({...current, editing: value});
			return;
		}
		if (key.upArrow || key.downArrow) {
			setOverlay({
				...current,
				selected: moveSelection(current.selected, current.fields.length, key, ''),
				message: null,
			});
		} else if (key.return) {
			if (field.choices) cycle();
			else setOverlay({...current, editing: field.value});
		} else if (input === ' ' && field.choices) {
			cycle();
		} else if (input === 'w') {
			const values = Object.fromEntries(current.fields.map((item) => [item.path, item.value]));
			const result = desk.admin!.save(values);
			setOverlay({
				...current,
				message: result.ok ? t('settings.saved', {file: result.file}) : result.message,
			});
		}
		function cycle() {
			const choices = field.choices!;
			const nextValue = choices[(choices.indexOf(field.value) + 1) % choices.length]!;
			const fields = current.fields.map((item, index) =>
				index === current.selected ? {...item, value: nextValue} : item,
			);
			setOverlay({...current, fields});
		}
	}

	function startAction(action: UiAction) {
		const state = desk.session.getSnapshot();
		const can = availability(action, state, desk.capabilities);
		if (!can.enabled && action !== 'quit') {
			// Still ask the session so the agent reads why (one source of refusal messages).
			if (action === 'login') run({type: 'login', user: desk.settings.agentUser, password: ''});
			else if (action === 'dial') run({type: 'dial', number: '0'});
			else if (action === 'transfer') run({type: 'transfer', target: '0', mode: 'blind'});
			else if (action === 'away') run({type: 'away', reason: '\u0000any'});
			else if (action === 'hold') run({type: state.agent.state === 'held' ? 'unhold' : 'hold'});
			else if (action !== 'inject') run({type: action} as Command);
			return;
		}
		switch (action) {
			case 'login':
				setOverlay({kind: 'login', value: '', error: null});
				return;
			case 'logout':
			case 'ready':
			case 'answer':
			case 'hangup':
				run({type: action});
				return;
			case 'hold':
				run({type: state.agent.state === 'held' ? 'unhold' : 'hold'});
				return;
			case 'away':
				setOverlay({kind: 'away', selected: 0});
				return;
			case 'dial':
				setOverlay({kind: 'dial', value: '', error: null});
				return;
			case 'transfer':
				setOverlay(
					state.call?.consult
						? {kind: 'consult-action', selected: 0}
						: {kind: 'transfer-target', value: '', error: null},
				);
				return;
			case 'inject':
				run({type: 'inject-call'});
				return;
			case 'settings':
				if (!desk.admin) {
					setMessage({
						text: 'Settings can only be changed in the running instance.',
						level: 'warn',
					});
					return;
				}
				setOverlay(
					desk.admin.hasPassword()
						? {kind: 'admin-password', value: '', error: null}
						: {kind: 'admin-new', value: '', first: null, error: null},
				);
				return;
			case 'help':
				setOverlay({kind: 'help'});
				return;
			case 'quit':
				if (desk.mode === 'attached') setOverlay({kind: 'quit-attached'});
				else if (state.agent.state !== 'logged-out' && desk.settings.logoutOnExit)
					setOverlay({kind: 'quit'});
				else onExit('stop');
				return;
			case 'detach':
				if (desk.mode === 'attached') onExit('detach');
				else setMessage({text: t('message.notAttached'), level: 'warn'});
				return;
			case 'command':
				setOverlay({
					kind: 'command',
					value: '',
					error: null,
					completions: null,
					completionIndex: 0,
					historyIndex: null,
				});
				return;
			case 'pops':
				void desk.reopenLastPop?.();
				return;
			case 'redraw':
				refresh();
				onRedraw?.();
				setRedrawCount((count) => count + 1);
				return;
		}
	}

	function handleOverlayKey(current: Overlay, input: string, key: Key) {
		if (key.escape) {
			setOverlay(null);
			return;
		}
		switch (current.kind) {
			case 'help':
				if (input === '?') setOverlay(null);
				return;
			case 'quit':
				if (input === 'y' || input === 'Y' || key.return) {
					setOverlay(null);
					onExit('stop-logout');
				} else if (input === 'n' || input === 'N') setOverlay(null);
				return;
			case 'quit-attached':
				if (input === 'd') {
					setOverlay(null);
					onExit('detach');
				} else if (input === 's') {
					setOverlay(null);
					onExit('stop-logout');
				}
				return;
			case 'command':
				handleCommandKey(current, input, key);
				return;
			case 'disposition': {
				const codes = desk.settings.dispositions;
				if (key.return) {
					setOverlay({
						kind: 'disposition-note',
						code: codes[current.selected]!,
						value: '',
						error: null,
					});
					return;
				}
				setOverlay({
					...current,
					selected: moveSelection(current.selected, codes.length, key, input),
				});
				return;
			}
			case 'disposition-note': {
				if (key.return) {
					setOverlay(null);
					run({type: 'disposition', code: current.code, note: current.value.trim() || null});
					return;
				}
				if (key.ctrl && input === 'e' && desk.editText) {
					void desk.editText(current.value).then((text) => {
						if (text !== null && overlayRef.current?.kind === 'disposition-note') {
							setOverlay({
								...overlayRef.current,
								value: text.replace(/\s+/g, ' ').trim().slice(0, 500),
							});
						}
					});
					return;
				}
				const value = editText(current.value, input, key, printable);
				if (value !== null) setOverlay({...current, value});
				return;
			}
			case 'login':
			case 'dial':
			case 'transfer-target':
			case 'admin-password':
			case 'admin-new': {
				if (key.return) {
					submitText(current);
					return;
				}
				const accept =
					current.kind === 'dial' || current.kind === 'transfer-target'
						? (c: string) => dialCharacters.test(c)
						: printable;
				const value = editText(current.value, input, key, accept);
				if (value !== null) setOverlay({...current, value, error: null});
				return;
			}
			case 'away': {
				const reasons = desk.settings.reasons;
				if (key.return) {
					setOverlay(null);
					run({type: 'away', reason: reasons[current.selected]!});
					return;
				}
				setOverlay({
					...current,
					selected: moveSelection(current.selected, reasons.length, key, input),
				});
				return;
			}
			case 'transfer-mode': {
				const modes = ['blind', 'consult'] as const;
				const direct = input === 'b' ? 0 : input === 'c' ? 1 : null;
				if (key.return || direct !== null) {
					const mode = modes[direct ?? current.selected]!;
					setOverlay(null);
					run({type: 'transfer', target: current.target, mode});
					return;
				}
				setOverlay({...current, selected: moveSelection(current.selected, 2, key, input)});
				return;
			}
			case 'consult-action': {
				if (key.return) {
					setOverlay(null);
					run({type: current.selected === 0 ? 'complete-transfer' : 'cancel-transfer'});
					return;
				}
				setOverlay({...current, selected: moveSelection(current.selected, 2, key, input)});
				return;
			}
			case 'settings':
				handleSettingsKey(current, input, key);
				return;
		}
	}

	function handleKey(input: string, key: Key) {
		const current = overlayRef.current;
		if (current) {
			if (key.ctrl && input === 'c') {
				onExit(
					desk.mode === 'attached' ? 'detach' : desk.settings.logoutOnExit ? 'stop-logout' : 'stop',
				);
				return;
			}
			handleOverlayKey(current, input, key);
			return;
		}
		if (key.tab) {
			// Tabs move here, not in ink-tab: its own key handler reads a stale state when several
			// Tab presses arrive in one chunk (tmux send-keys, a fast typist over SSH) and moved once.
			const index = tabNames.indexOf(tabRef.current);
			const next = tabNames[(index + (key.shift ? tabNames.length - 1 : 1)) % tabNames.length]!;
			tabRef.current = next;
			setTab(next);
			return;
		}
		const currentTab = tabRef.current;
		if (currentTab === 'queue' && (key.upArrow || key.downArrow)) {
			setQueueOffset((offset) => Math.max(0, offset + (key.upArrow ? -1 : 1)));
			return;
		}
		if (currentTab === 'links' && desk.settings.links.length > 0) {
			const count = desk.settings.links.length;
			if (key.upArrow || key.downArrow) {
				setLinkIndex((index) => (index + (key.upArrow ? count - 1 : 1)) % count);
				return;
			}
			if (key.return) {
				setLinkIndex((index) => {
					const link = desk.settings.links[index];
					if (link) void desk.openLink(link.url);
					return index;
				});
				return;
			}
		}
		const action = matchKey(bindings, input, key);
		if (action) startAction(action);
	}

	useInput((input, key) => {
		for (const [character, characterKey] of splitKeys(input, key))
			handleKey(character, characterKey);
	});

	// Layout: the root stays one row short of the terminal (INK-PITFALLS 1: a frame as tall as
	// the terminal makes Ink 6 clear the screen before every frame).
	const width = Math.max(20, columns);
	const height = Math.max(8, rows - 1);
	const toolbarItems: ToolbarItem[] = bindings
		.filter((binding) => binding.toolbar)
		.map((binding) => ({binding, ...availability(binding.action, session, desk.capabilities)}))
		.filter((item) => !item.hidden)
		.map((item) => ({
			binding: item.binding,
			enabled: item.enabled,
			label: item.label ? t(item.label) : undefined,
		}));
	const toolbarRows = countRows(
		toolbarItems.map((item) =>
			displayWidth(`[${item.binding.key}]${item.label ?? t(item.binding.label)}`),
		),
		width,
	);
	const bodyHeight = Math.max(1, height - toolbarRows - 3 - 1 - 1);
	const latest = activity[activity.length - 1];
	const status: Message =
		message ??
		(server.on || !server.message
			? null
			: {text: t('message.apiOff', {reason: server.message}), level: 'warn'}) ??
		(latest ? {text: latest.text, level: latest.level} : null);

	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Box height={toolbarRows} overflow="hidden">
				<Toolbar items={toolbarItems} t={t} width={width} />
			</Box>
			<StatusPanel
				session={session}
				server={server}
				pendingPops={pops.pendingHidden}
				browser={pops.browser}
				now={now}
				t={t}
				width={width}
			/>
			<Tabs
				// ink-tab keeps the active tab to itself and reads it only when it mounts: a new
				// instance per tab shows ours, and its own keys are all off (handleKey moves tabs).
				key={tab}
				defaultValue={tab}
				onChange={(name) => {
					tabRef.current = name as TabName;
					setTab(name as TabName);
				}}
				isFocused={false}
				keyMap={{useNumbers: false, useTab: false, previous: [], next: []}}
				showIndex={false}
			>
				{tabNames.map((name) => (
					<Tab key={name} name={name}>
						{t(`tab.${name}`) +
							(name === 'queue' && session.queue.length > 0 ? ` (${session.queue.length})` : '')}
					</Tab>
				))}
			</Tabs>
			<Box height={bodyHeight} overflow="hidden" flexDirection="column">
				{overlay ? (
					<OverlayView overlay={overlay} desk={desk} t={t} width={width} height={bodyHeight} />
				) : (
					<TabBody
						tab={tab}
						session={session}
						desk={desk}
						pops={pops}
						activity={activity}
						now={now}
						t={t}
						width={width}
						height={bodyHeight}
						queueOffset={queueOffset}
						linkIndex={linkIndex}
					/>
				)}
			</Box>
			<StatusLine text={status?.text ?? ''} level={status?.level ?? 'info'} width={width} />
		</Box>
	);
}

function countRows(itemWidths: number[], width: number): number {
	let rows = 1;
	let used = 0;
	for (const itemWidth of itemWidths) {
		const needed = used === 0 ? itemWidth : used + 1 + itemWidth;
		if (needed > width && used > 0) {
			rows += 1;
			used = itemWidth;
		} else used = needed;
	}
	return rows;
}

type TabBodyProps = {
	tab: TabName;
	session: ReturnType<Desk['session']['getSnapshot']>;
	desk: Desk;
	pops: ReturnType<Desk['pops']['getSnapshot']>;
	activity: ReturnType<Desk['activity']['getSnapshot']>;
	now: number;
	t: ReturnType<typeof createTranslate>;
	width: number;
	height: number;
	queueOffset: number;
	linkIndex: number;
};

function TabBody({
	tab,
	session,
	desk,
	pops,
	activity,
	now,
	t,
	width,
	height,
	queueOffset,
	linkIndex,
}: TabBodyProps) {
	switch (tab) {
		case 'call':
			return (
				<CallView
					call={session.call}
					lastCall={session.recentCalls[0] ?? null}
					fallbackLinks={pops.fallbackLinks}
					pops={pops.recent}
					now={now}
					t={t}
					width={width}
					height={height}
				/>
			);
		case 'queue':
			return (
				<QueueTableView
					session={session}
					now={now}
					t={t}
					width={width}
					height={height}
					offset={queueOffset}
				/>
			);
		case 'history':
			return <HistoryTable records={session.recentCalls} t={t} width={width} height={height} />;
		case 'links':
			return (
				<LinksList
					links={desk.settings.links}
					selected={linkIndex}
					t={t}
					width={width}
					height={height}
				/>
			);
		case 'pops':
			return <PopsList entries={pops.recent} t={t} width={width} height={height} />;
		case 'events':
			return <EventLog entries={activity} t={t} width={width} height={height} />;
	}
}

function QueueTableView({
	session,
	now,
	t,
	width,
	height,
	offset,
}: Pick<TabBodyProps, 'session' | 'now' | 't' | 'width' | 'height'> & {offset: number}) {
	const ringing = session.call?.state === 'ringing' ? session.call : null;
	return (
		<QueueTable
			entries={session.queue}
			ringing={ringing}
			now={now}
			t={t}
			width={width}
			height={height}
			offset={offset}
		/>
	);
}

function OverlayView({
	overlay,
	desk,
	t,
	width,
	height,
}: {
	overlay: Overlay;
	desk: Desk;
	t: TabBodyProps['t'];
	width: number;
	height: number;
}) {
	const hint = t('prompt.enterEsc');
	switch (overlay.kind) {
		case 'login':
			return (
				<Prompt
					label={t('prompt.password', {user: desk.settings.agentUser})}
					value={overlay.value}
					hint={hint}
					masked
					error={overlay.error}
					width={width}
				/>
			);
		case 'dial':
			return (
				<Prompt
					label={t('prompt.dial')}
					value={overlay.value}
					hint={hint}
					error={overlay.error}
					width={width}
				/>
			);
		case 'transfer-target':
			return (
				<Prompt
					label={t('prompt.transfer')}
					value={overlay.value}
					hint={hint}
					error={overlay.error}
					width={width}
				/>
			);
		case 'transfer-mode':
			return (
				<Picker
					title={`${t('prompt.transfer')} ${overlay.target}`}
					options={['blind', 'consult']}
					selected={overlay.selected}
					hint={t('prompt.transferMode')}
					width={width}
				/>
			);
		case 'consult-action':
			return (
				<Picker
					title={t('label.consult')}
					options={[t('action.complete'), t('action.cancelTransfer')]}
					selected={overlay.selected}
					hint={hint}
					width={width}
				/>
			);
		case 'away':
			return (
				<Picker
					title={t('prompt.reason')}
					options={desk.settings.reasons}
					selected={overlay.selected}
					hint={hint}
					width={width}
				/>
			);
		case 'help':
			return <HelpOverlay bindings={createKeymap(desk.settings.keys)} t={t} width={width} />;
		case 'command':
			return (
				<Box flexDirection="column" width={width}>
					<Prompt
						label={t('prompt.command')}
						value={`:${overlay.value}`}
						hint={t('prompt.commandHint')}
						error={overlay.error}
						width={width}
					/>
					{overlay.completions && (
						<Text dimColor wrap="truncate">
							{overlay.completions
								.map((completion, index) =>
									index === overlay.completionIndex ? `[${completion.trim()}]` : completion.trim(),
								)
								.join('  ')}
						</Text>
					)}
					{overlay.error && (
						<Text dimColor wrap="wrap">
							{usageLines().join(' · ')}
						</Text>
					)}
				</Box>
			);
		case 'disposition':
			return (
				<Picker
					title={t('prompt.disposition')}
					options={desk.settings.dispositions}
					selected={overlay.selected}
					hint={hint}
					width={width}
				/>
			);
		case 'disposition-note':
			return (
				<Prompt
					label={`${t('prompt.note')} [${overlay.code}]`}
					value={overlay.value}
					hint={t('prompt.noteHint')}
					error={overlay.error}
					width={width}
				/>
			);
		case 'quit':
		case 'quit-attached':
			return (
				<Box borderStyle="round" borderColor="yellow" paddingX={1} width={width}>
					<Text>{t(overlay.kind === 'quit' ? 'prompt.quitConfirm' : 'prompt.quitAttached')}</Text>
				</Box>
			);
		case 'admin-password':
			return (
				<Prompt
					label={t('prompt.adminPassword')}
					value={overlay.value}
					hint={hint}
					masked
					error={overlay.error}
					width={width}
				/>
			);
		case 'admin-new':
			return (
				<Prompt
					label={
						overlay.first === null ? t('prompt.newAdminPassword') : t('prompt.confirmAdminPassword')
					}
					value={overlay.value}
					hint={hint}
					masked
					error={overlay.error}
					width={width}
				/>
			);
		case 'settings':
			return (
				<SettingsScreen
					fields={overlay.fields}
					selected={overlay.selected}
					editing={overlay.editing}
					message={overlay.message}
					t={t}
					width={width}
					height={height}
				/>
			);
	}
}
