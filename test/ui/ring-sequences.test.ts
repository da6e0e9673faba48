import {describe, expect, it} from 'vitest';
import {bigDigits, bigWidth} from '../../source/ui/big-digits.js';
import {screenLayout} from '../../source/ui/layout.js';
import {defaultRingAlert, ringEndSequences, ringStartSequences} from '../../source/ui/ring-sequences.js';

describe('ring sequences', () => {
	it('bell, OSC 777 and OSC 9 notifications, and the title (pushed, to be restored)', () => {
		const out = ringStartSequences('13800138000', 'Incoming call from 13800138000', defaultRingAlert, {tmux: false});
		expect(out).toBe(
			'\u0007' +
				'\u001B]777;notify;ctidesk;Incoming call from 13800138000\u0007' +
				'\u001B]9;Incoming call from 13800138000\u0007' +
				'\u001B[22;0t\u001B]2;☎ 13800138000\u0007',
		);
		expect(ringEndSequences(defaultRingAlert, {tmux: false})).toBe('\u001B[23;0t');
	});

	it('each part can be turned off', () => {
		expect(ringStartSequences('1', 'x', {bell: false, notify: false, title: false}, {tmux: true})).toBe('');
		expect(ringStartSequences('1', 'x', {bell: true, notify: false, title: false}, {tmux: false})).toBe('\u0007');
		expect(ringEndSequences({bell: true, notify: true, title: false}, {tmux: true})).toBe('');
	});

	it('under tmux: notifications through passthrough, and the window name', () => {
		const out = ringStartSequences('8001', 'n', defaultRingAlert, {tmux: true});
		expect(out).toContain('\u001BPtmux;\u001B\u001B]777;notify;ctidesk;n\u0007\u001B\\');
		expect(out).toContain('\u001Bk☎ 8001\u001B\\');
	});

	it('a caller id cannot smuggle escape sequences into the terminal', () => {
		const out = ringStartSequences('1\u001B]0;evil\u0007', 'from 1\u001B[2J', defaultRingAlert, {tmux: false});
		expect(out).not.toContain('evil\u0007\u001B');
		expect(out).not.toContain('\u001B[2J');
	});
});

describe('big digits and the layout', () => {
	it('draws numbers three rows high, four columns a digit', () => {
		const rows = bigDigits('+861')!;
		expect(rows).toEqual(['    ┌─┐ ┌─╴ ╶┐ ', '╶┼╴ ├─┤ ├─┐  │ ', '    └─┘ └─┘ ╶┴╴']);
		expect(bigWidth('+861')).toBe(15);
		expect(bigDigits('12a')).toBeNull();
	});

	it.each([
		[80, 24, {tooSmall: false, sideBySide: false, bottomRows: 0, height: 23}],
		[120, 40, {tooSmall: false, sideBySide: true, bottomRows: 10}],
		[100, 30, {sideBySide: true}],
		[99, 29, {sideBySide: false, bottomRows: 0}],
		[59, 24, {tooSmall: true}],
		[80, 19, {tooSmall: true}],
	])('%i x %i', (columns, rows, expected) => {
		expect(screenLayout(columns, rows)).toMatchObject(expected);
	});
});
