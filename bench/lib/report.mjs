// One result shape for the TUI benches: each figure sits next to its baseline measured in the
// same run, with the target and PASS/FAIL. run.mjs reads the `@@result` line (--json).
import {fixed, formatTable, verdict} from './stats.mjs';

/**
 * @param {string} name    what was measured
 * @param {number} value   ctidesk's figure
 * @param {string} unit
 * @param {number|null} baseline  the baseline's figure in the same run (null: none applies)
 * @param {string} target  e.g. '≤ 16 ms'
 * @param {boolean|null} pass  null: informational only
 */
export function figure(name, value, unit, baseline, target, pass, digits = 2) {
	return {name, value, unit, baseline, target, pass, digits};
}

export function printReport(title, figures, notes = []) {
	const rows = figures.map((item) => [
		item.name,
		`${fixed(item.value, item.digits)} ${item.unit}`,
		item.baseline === null ? '—' : `${fixed(item.baseline, item.digits)} ${item.unit}`,
		item.target ?? '—',
		item.pass === null ? 'info' : verdict(item.pass),
	]);
	process.stdout.write(
		`\n${title}\n${formatTable(['figure', 'ctidesk', 'baseline', 'target', 'result'], rows)}\n`,
	);
	for (const note of notes) process.stdout.write(`  · ${note}\n`);
}

/** The machine-readable line run.mjs collects (only with --json). */
export function emitResult(bench, figures, notes = []) {
	if (process.argv.includes('--json'))
		process.stdout.write(`@@result ${JSON.stringify({bench, figures, notes})}\n`);
}
