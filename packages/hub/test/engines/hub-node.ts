/**
 * A hub node in a process of its own, so a test can kill it abruptly (SIGKILL). Argument: the JSON of a
 * {@link NodeEngine}. Prints `READY {"url":…,"wsUrl":…}` once listening.
 */
import { startHub } from '../../src/index.js';
import { engineParts, type NodeEngine } from './node-engine.js';

const engine = JSON.parse(process.argv[2] ?? '{}') as NodeEngine;
const { store, broker, ready } = engineParts(engine);
await ready();
const hub = await startHub({ port: 0, host: '127.0.0.1', logger: false, store, broker });
process.stdout.write(`READY ${JSON.stringify({ url: hub.url, wsUrl: hub.wsUrl })}\n`);
