// What a ring writes to the terminal so a desk in a background tab is not missed (issue 14
// item 3): the bell, a desktop notification (OSC 777 for VTE/foot/WezTerm/kitty-style terminals,
// OSC 9 for iTerm2 and Windows Terminal; a terminal that knows neither ignores both), and the
// window title "☎ 13800138000" (saved and restored with xterm's title stack). Inside tmux the
// notifications are wrapped in tmux's passthrough, and the tmux window name is set too.
export interface RingAlertSettings {
	bell: boolean;
	notify: boolean;
	title: boolean;
}

export const defaultRingAlert: RingAlertSettings = {bell: true, notify: true, title: true};

const ESC = '\u001B';
const BEL = '\u0007';
const ST = `${ESC}\\`;

/** A caller id must never carry escape sequences into the terminal. */
function clean(text: string): string {
	return text.replace(/\p{Cc}/gu, '').slice(0, 64);
}

function passthrough(sequence: string, tmux: boolean): string {
	return tmux ? `${ESC}Ptmux;${sequence.replaceAll(ESC, ESC + ESC)}${ST}` : sequence;
}

export function ringStartSequences(
	number: string,
	notification: string,
	settings: RingAlertSettings,
	{tmux}: {tmux: boolean},
): string {
	const title = `☎ ${clean(number)}`;
	let out = '';
	if (settings.bell) out += BEL;
	if (settings.notify) {
		const body = clean(notification);
		out += passthrough(`${ESC}]777;notify;ctidesk;${body}${BEL}`, tmux);
		out += passthrough(`${ESC}]9;${body}${BEL}`, tmux);
	}
	if (settings.title) {
		out += `${ESC}[22;0t${ESC}]2;${title}${BEL}`;
		if (tmux) out += `${ESC}k${title}${ST}`;
	}
	return out;
}

/** After the ring: the title the terminal had before (tmux: the window named ctidesk). */
export function ringEndSequences(settings: RingAlertSettings, {tmux}: {tmux: boolean}): string {
	if (!settings.title) return '';
	return `${ESC}[23;0t` + (tmux ? `${ESC}kctidesk${ST}` : '');
}
