// The baseline for the PTY benches: a bare Ink app showing a few rows of static text (the same
// toolbar words ctidesk shows), reading keys like ctidesk does, quitting on q.
//   node bench/lib/bare-ink-app.mjs [--tick]   (--tick: re-render a clock once a second, like a logged-in desk)
import {Box, Text, render, useApp, useInput} from 'ink';
import React, {useEffect, useState} from 'react';

const h = React.createElement;
const tick = process.argv.includes('--tick');

function Bare() {
	const {exit} = useApp();
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		if (!tick) return;
		const timer = setInterval(() => setNow(Date.now()), 1000);
		return () => clearInterval(timer);
	}, []);
	useInput((input) => {
		if (input === 'q') exit();
	});
	const rows = [
		'[l]Login [x]Logout [n]Away [r]Ready [p]Answer [h]Hang up [o]Hold [d]Dial',
		'[t]Transfer [i]Demo call [s]Settings [?]Help [q]Quit',
		'● Logged out │ Agent —',
		'PBX sim connected │ API off',
		'Shift: 0 handled, 0 missed, talk 0:00, AHT 0:00',
		'Call | Queue | History | Links | Events',
		tick ? `Time ${new Date(now).toISOString().slice(11, 19)}` : 'No call.',
	];
	return h(
		Box,
		{flexDirection: 'column', width: 80, height: 23},
		...rows.map((row, index) => h(Text, {key: index}, row)),
	);
}

const instance = render(h(Bare), {exitOnCtrlC: true, patchConsole: false});
await instance.waitUntilExit();
