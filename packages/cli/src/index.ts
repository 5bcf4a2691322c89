/**
 * The `herald` command (`serve`, `publish`, `tail`) as a function, for embedding it or testing it without a
 * child process. The `herald` bin of this package runs it on `process.argv`.
 * @packageDocumentation
 */
export { type CliIo, runCli } from './main.js';
