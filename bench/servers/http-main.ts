/**
 * Server process of the HTTP publish scenario (forked by scenarios/http-publish.ts): one target taking
 * `POST /v1/channels/<channel>/events` on 127.0.0.1, with its CPU measured in this process.
 */
import { createCpuMeterRpc } from '../lib/cpu.js';
import { createLoopMonitorRpc } from '../lib/loop.js';
import { startProfiler, stopProfiler } from '../lib/profile.js';
import { serveRpc } from '../lib/rpc.js';
import { startHeraldServer } from './herald.js';
import { startPlainHttpServer } from './plain-http.js';
import { startSocketIoServer } from './socketio.js';
import type { HeraldStore } from './types.js';
import { startWsServer } from './ws.js';

/**
 * What answers the publishes: Herald's own HTTP API, a bare `node:http` parser, or socket.io or raw ws
 * behind one (the endpoint emits each event to the room / channel's sockets).
 */
export type HttpTarget =
  | { readonly kind: 'herald'; readonly store: HeraldStore; readonly durability?: 'normal' | 'full' }
  | { readonly kind: 'node-http' }
  | { readonly kind: 'socketio' }
  | { readonly kind: 'ws' };

let running: { port: number; close(): Promise<void> } | null = null;

async function start(target: HttpTarget): Promise<{ port: number }> {
  if (target.kind === 'herald') running = await startHeraldServer(0, target.store, target.durability);
  else if (target.kind === 'socketio') running = await startSocketIoServer(0, false, true);
  else if (target.kind === 'ws') running = await startWsServer(0, false, true);
  else running = await startPlainHttpServer();
  return { port: running.port };
}

const cpu = createCpuMeterRpc();
const loop = createLoopMonitorRpc();

serveRpc(
  {
    start,
    cpuStart: cpu.cpuStart,
    cpuStop: cpu.cpuStop,
    loopStart: loop.loopStart,
    loopStop: loop.loopStop,
    profileStart: startProfiler,
    profileStop: (p: { file: string }) => stopProfiler(p.file),
    close: async () => {
      await running?.close();
      running = null;
    },
  },
  async () => {
    await running?.close();
  },
);
