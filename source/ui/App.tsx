// The agent's screen. This component only chooses a layout for the terminal's size and feeds the
// components; keys are in hooks/use-keymap.ts (a pure reducer underneath), feedback in
// hooks/use-feedback.ts, the ring in hooks/use-ring-alert.ts.
import {Box} from 'ink';
import {useCallback, useMemo} from 'react';
import {availability} from './availability.js';
import {Banner, bannerRows} from './components/banner.js';
import {BottomPanels} from './components/bottom-panels.js';
import {MainArea} from './components/main-area.js';
import {OriginPrompt, originPromptRows} from './components/origin-prompt.js';
import {OverlayView} from './components/overlay-view.js';
import {StatusLine} from './components/status-line.js';
import {StatusPanel, statusPanelRows} from './components/status-panel.js';
import {TabRow} from './components/tab-row.js';
import {TooSmall} from './components/too-small.js';
import {Toolbar, toolbarRows, type ToolbarItem} from './components/toolbar.js';
import {WrapUpPanel, wrapUpPanelRows} from './components/wrap-up-panel.js';
import type {Desk} from './desk.js';
import {useClock} from './hooks/use-clock.js';
import {useDeskSettings} from './hooks/use-desk-settings.js';
import {useExternal} from './hooks/use-external.js';
import {useFeedback} from './hooks/use-feedback.js';
import {useKeymap} from './hooks/use-keymap.js';
import {useRingAlert} from './hooks/use-ring-alert.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {translateActivity} from './i18n/activity.js';
import {createTranslate} from './i18n/index.js';
import {createLabel} from './i18n/labels.js';
import {createKeymap, keyLabel} from './keymap.js';
import {screenLayout} from './layout.js';
import {defaultRingAlert} from './ring-sequences.js';
import type {ExitChoice} from './ui-state.js';

export {tabNames, type TabName, type ExitChoice} from './ui-state.js';

export interface AppProps {
	desk: Desk;
	/** Leaves the TUI: detach (attached only: the instance keeps running), or stop the session, logging out first. */
	onExit(choice: ExitChoice): void;
	/** Clears the terminal and repaints every line (Ctrl+L). */
	onRedraw?: () => void;
	/** What the terminal can do (read by the CLI from the environment). */
	terminal?: {colour: boolean; tmux: boolean};
	/** How long a status-line message stays. */
	feedbackMs?: number;
}

const noOriginRequests = {getSnapshot: () => null, subscribe: () => () => undefined};

export function App({desk, onExit, onRedraw, terminal = {colour: true, tmux: false}, feedbackMs = 6000}: AppProps) {
	const settings = useDeskSettings(desk);
	const t = useMemo(() => createTranslate(settings.language), [settings.language]);
	const label = useMemo(() => createLabel(settings.language, settings.labels), [settings.language, settings.labels]);
	const bindings = useMemo(() => createKeymap(settings.keys), [settings.keys]);
	const session = useExternal(desk.session);
	const activity = useExternal(desk.activity);
	const pops = useExternal(desk.pops);
	const server = useExternal(desk.server);
	const originRequest = useExternal(desk.originRequests ?? noOriginRequests);
	const {columns, rows, refresh} = useTerminalSize();
	const translate = useCallback((text: string) => translateActivity(text, settings.language), [settings.language]);
	const feedback = useFeedback(desk.activity, translate, desk.now, feedbackMs);

	const redraw = useCallback(() => {
		refresh();
		onRedraw?.();
	}, [refresh, onRedraw]);
	const ui = useKeymap({
		desk,
		settings,
		bindings,
		t,
		label,
		originRequestId: originRequest?.id ?? null,
		push: feedback.push,
		onExit,
		onRedraw: redraw,
	});

	const ringing = session.call?.state === 'ringing' ? session.call : null;
	useRingAlert(
		ringing,
		ringing ? t('ring.notification', {number: ringing.number}) : '',
		settings.ring ?? defaultRingAlert,
		terminal.tmux,
	);

	const liveDuration = session.agent.state !== 'logged-out' || session.queue.length > 0 || originRequest !== null;
	const now = useClock(desk.now, 1000, liveDuration);

	const events = useMemo(
		() =>
			[
				...activity.map((entry) => ({...entry, text: translate(entry.text)})),
				...feedback.own.map((entry) => ({...entry, source: 'desk'})),
			].sort((a, b) => a.at - b.at),
		[activity, feedback.own, translate],
	);

	const layout = screenLayout(columns, rows);
	if (layout.tooSmall) return <TooSmall columns={columns} rows={rows} t={t} />;
	const {width, height} = layout;

	const toolbarItems: ToolbarItem[] = bindings
		.filter((binding) => binding.toolbar)
		.map((binding) => ({binding, ...availability(binding.action, session, desk.capabilities)}))
		.filter((item) => !item.hidden)
		.map((item) => ({binding: item.binding, enabled: item.enabled, label: item.label ? t(item.label) : undefined}));
	const toolbarHeight = toolbarRows(toolbarItems, t, width);
	const wrapUpCall = session.agent.state === 'wrap-up' && settings.dispositions.length > 0 ? session.recentCalls[0] : undefined;
	const fixedRows =
		bannerRows +
		statusPanelRows +
		toolbarHeight +
		1 + // tabs
		1 + // status line
		(wrapUpCall ? wrapUpPanelRows : 0) +
		(originRequest ? originPromptRows : 0);
	const bottomRows = ui.overlay ? 0 : layout.bottomRows;
	const mainHeight = Math.max(3, height - fixedRows - bottomRows);
	const codeKey = keyLabel(bindings.find((binding) => binding.action === 'code')?.key ?? 'c');
	const notice =
		session.agent.state === 'logged-out'
			? [
					t('firstRun.login', {key: keyLabel(bindings.find((binding) => binding.action === 'login')?.key ?? 'l')}),
					...(session.pbx.driver === 'sim' ? [t('firstRun.demo')] : []),
					...(settings.configFile ? [t('firstRun.config', {file: settings.configFile})] : []),
				]
			: [];
	const message = feedback.message;

	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Banner session={session} now={now} t={t} width={width} colour={terminal.colour} reasonLabel={label} />
			<StatusPanel session={session} server={server} pendingPops={pops.pendingHidden} browser={pops.browser} now={now} t={t} width={width} />
			<Box height={toolbarHeight} overflow="hidden" flexShrink={0}>
				<Toolbar items={toolbarItems} t={t} width={width} />
			</Box>
			<TabRow
				tab={ui.tab}
				queueLength={session.queue.length}
				t={t}
				width={width}
				together={layout.sideBySide && (ui.tab === 'call' || ui.tab === 'queue') ? ['call', 'queue'] : []}
			/>
			<Box height={mainHeight} overflow="hidden" flexDirection="column" flexShrink={0}>
				{ui.overlay ? (
					<OverlayView
						overlay={ui.overlay}
						settings={settings}
						bindings={bindings}
						label={label}
						t={t}
						width={width}
						height={mainHeight}
					/>
				) : (
					<MainArea
						tab={ui.tab}
						sideBySide={layout.sideBySide}
						session={session}
						settings={settings}
						pops={pops}
						events={events}
						now={now}
						t={t}
						label={label}
						width={width}
						height={mainHeight}
						queueOffset={ui.queueOffset}
						linkIndex={ui.linkIndex}
						historyIndex={ui.historyIndex}
						notice={notice}
					/>
				)}
			</Box>
			{wrapUpCall && (
				<WrapUpPanel call={wrapUpCall} codes={settings.dispositions} label={label} codeKey={codeKey} t={t} width={width} />
			)}
			{bottomRows > 0 && (
				<BottomPanels
					records={session.recentCalls}
					events={events}
					label={label}
					t={t}
					width={width}
					height={bottomRows}
					wide={layout.sideBySide}
				/>
			)}
			{originRequest && <OriginPrompt request={originRequest} now={now} t={t} width={width} />}
			<StatusLine text={message?.text ?? ''} level={message?.level ?? 'info'} width={width} more={t('status.more')} />
		</Box>
	);
}
