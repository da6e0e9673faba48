#!/bin/sh
# The README's screenshots, from the real TUI in a real terminal: `npm run demo` in tmux at
# 120x40, driven with keys, each screen captured with colours (tmux capture-pane -e), turned
# into HTML (aha) and photographed by headless Chromium. Needs tmux, aha and chromium.
#
#   sh scripts/screenshots.sh            → docs/img/ringing.png, docs/img/talking.png
set -eu
cd "$(dirname "$0")/.."
out=docs/img
work=$(mktemp -d)
session=ctidesk-shots-$$
mkdir -p "$out"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT

shot() { # name columns rows
	tmux capture-pane -ept "$session" > "$work/$1.ansi"
	aha --black --title "ctidesk" < "$work/$1.ansi" \
		| sed 's#<pre>#<pre style="font-family: DejaVu Sans Mono, monospace; font-size: 14px; line-height: 1.15; margin: 8px">#' \
		| sed 's#\([";]\)color:dimgray;#\1color:black;#g; s#\([";]\)color:gray;#\1color:white;#g' \
		> "$work/$1.html"
	width=$(( $2 * 85 / 10 + 16 )); height=$(( $3 * 161 / 10 + 16 ))
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--window-size="$width,$height" --screenshot="$out/$1.png" "file://$work/$1.html" 2>/dev/null
}

wait_for() { # text
	for _ in $(seq 1 100); do
		tmux capture-pane -pt "$session" | grep -q "$1" && return 0
		sleep 0.1
	done
	echo "timed out waiting for $1" >&2; exit 1
}

tmux new-session -d -s "$session" -x 120 -y 40 "TERM=xterm-256color npm run demo --silent"
wait_for 'LOGGED OUT'; sleep 1
tmux send-keys -t "$session" l; wait_for 'Password for'
tmux send-keys -t "$session" 101 Enter; wait_for 'AWAY'
tmux send-keys -t "$session" r; wait_for 'READY'
tmux send-keys -t "$session" i; wait_for 'RINGING'
sleep 2.2
shot ringing 120 40
tmux send-keys -t "$session" p; wait_for 'TALKING'
sleep 5.2
shot talking 120 40
tmux send-keys -t "$session" h; wait_for 'WRAP-UP'
tmux send-keys -t "$session" r; wait_for 'READY'
tmux send-keys -t "$session" x; sleep 0.5
tmux send-keys -t "$session" q; sleep 0.5
