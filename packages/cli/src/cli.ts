#!/usr/bin/env node
/**
 * The `herald` command line: `serve`, `publish`, `tail`. Runs on import (the bin launcher imports the
 * built copy of this file).
 * @packageDocumentation
 */
import { runCli } from './main.js';
import { ignoreBrokenStdio } from './stdio.js';

ignoreBrokenStdio();
const code = await runCli(process.argv.slice(2));
// Let stdout/stderr flush before exiting; pending handles (timers, sockets) must not keep a finished CLI alive.
process.exitCode = code;
setImmediate(() => process.exit(code));
