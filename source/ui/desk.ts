// The Desk contract lives in core/desk.ts (server/, attach/ and ui/ share it); this keeps the
// TUI's imports working.
export type * from '../core/desk.js';
