#!/usr/bin/env node
// `npm start`: the CLI in this same process, compiled first only when a source file is newer
// than dist/ (one node start, not two: the first frame on a built clone is what users wait for;
// bench/tui-startup.mjs measures it).
import {buildIfStale} from './build-if-stale.mjs';

const status = buildIfStale();
if (status !== 0) process.exit(status);
await import('../dist/cli.js');
