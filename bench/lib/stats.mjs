// Small numeric and printing helpers shared by the bench scripts.

/** Nearest-rank percentile of `values` (0 < p ≤ 100). */
export function percentile(values, p) {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
	return sorted[rank - 1];
}

export function summarize(values) {
	const total = values.reduce((sum, value) => sum + value, 0);
	return {
		n: values.length,
		p50: percentile(values, 50),
		p99: percentile(values, 99),
		mean: values.length ? total / values.length : NaN,
		max: values.length ? Math.max(...values) : NaN,
	};
}

export function median(values) {
	return percentile(values, 50);
}

/** Least-squares slope of y over x. */
export function slope(xs, ys) {
	const n = xs.length;
	if (n < 2) return NaN;
	const mx = xs.reduce((a, b) => a + b, 0) / n;
	const my = ys.reduce((a, b) => a + b, 0) / n;
	let num = 0;
	let den = 0;
	for (let i = 0; i < n; i++) {
		num += (xs[i] - mx) * (ys[i] - my);
		den += (xs[i] - mx) ** 2;
	}
	return den === 0 ? NaN : num / den;
}

export const mb = (bytes) => bytes / 1024 / 1024;

export function fixed(value, digits = 2) {
	return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

export function verdict(pass) {
	return pass ? 'PASS' : 'FAIL';
}

/** Prints rows (arrays of cells) as a left-aligned text table with a header rule. */
export function formatTable(header, rows) {
	const all = [header, ...rows].map((row) => row.map((cell) => String(cell)));
	const widths = header.map((_, column) =>
		Math.max(...all.map((row) => (row[column] ?? '').length)),
	);
	const line = (row) =>
		row
			.map((cell, column) => cell.padEnd(widths[column]))
			.join('  ')
			.trimEnd();
	return [
		line(all[0]),
		widths.map((width) => '-'.repeat(width)).join('  '),
		...all.slice(1).map(line),
	].join('\n');
}

export function argument(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : process.argv[index + 1];
}
