#!/usr/bin/env node
// The entry point. React picks its build (development or production) when it is first loaded,
// and the development build costs about twice the CPU per frame (bench/tui-render.mjs). The JSX
// runtime import at the top of any .tsx module loads React, so NODE_ENV must be set here, before
// anything else is imported — a mismatch of builds renders nothing at all.
process.env['NODE_ENV'] ??= 'production';
// NO_COLOR (no-color.org) must reach chalk before Ink loads it: chalk reads FORCE_COLOR only.
if (process.env['NO_COLOR'] && process.env['FORCE_COLOR'] === undefined) process.env['FORCE_COLOR'] = '0';
// `ctidesk opener` (the agent's machine, issue 15) needs none of the desk: no config, no TUI.
if (process.argv[2] === 'opener') await import('./browser/opener/opener-cli.js');
else await import('./main.js');
