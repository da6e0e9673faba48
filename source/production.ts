// Imported first by cli.tsx: React picks its build when it loads, and the development build
// costs about twice the CPU per frame (bench/tui-render.mjs). Tests and benches set their own.
process.env['NODE_ENV'] ??= 'production';
