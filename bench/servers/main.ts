/**
 * Server-side bench process (forked by bench/run.ts). Starts one system's server and publishes from this
 * process, as the scenarios ask over IPC. Nothing here binds anything but 127.0.0.1.
 */
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { nowUs, sleep } from '../lib/clock.js';
import { createCpuMeterRpc } from '../lib/cpu.js';
import { createLoopMonitorRpc } from '../lib/loop.js';
import { workflowEvent } from '../lib/payload.js';
import { startProfiler, stopProfiler } from '../lib/profile.js';
import { serveRpc } from '../lib/rpc.js';
import { startHeraldServer } from './herald.js';
import { startSocketIoServer } from './socketio.js';
import type { BenchServer, ServerConfig } from './types.js';
import { startWsServer } from './ws.js';

let server: BenchServer | null = null;
let delivered = 0;
let creditWaiter: (() => void) | null = null;

function current(): BenchServer {
  if (!server) throw new Error('server not started');
  return server;
}

async function start(config: ServerConfig): Promise<{ port: number }> {
  const port = config.port ?? 0;
  if (config.system === 'herald')
    server = await startHeraldServer(port, config.store ?? 'memory', 'normal', config.compression ?? false);
  else if (config.system === 'ws' || config.system === 'ws-cork')
    server = await startWsServer(port, config.system === 'ws-cork');
  else server = await startSocketIoServer(port, config.system === 'socketio-csr');
  return { port: server.port };
}

/** Publishes one event per channel of `channels` with number `n`; awaits Herald's publishes. */
async function publishRound(channels: readonly string[], n: number): Promise<void> {
  const s = current();
  const pending: Promise<unknown>[] = [];
  for (const channel of channels) {
    const p = s.publish(channel, workflowEvent(channel, n));
    if (p) pending.push(p);
  }
  if (pending.length > 0) await Promise.all(pending);
}

interface BurstParams {
  readonly channel: string;
  readonly events: number;
  readonly subscribers: number;
  /** Most deliveries allowed in flight (published × subscribers − delivered), so buffers stay bounded. */
  readonly windowDeliveries: number;
  /** Events published per turn of the event loop. */
  readonly batch: number;
  /** Stop publishing after this long even if fewer than `events` went out (keeps quick runs short). */
  readonly maxMs?: number;
}

/** Publishes `events` events to one channel as fast as the delivery window allows. */
async function burst(p: BurstParams): Promise<{ startUs: number; endUs: number; published: number }> {
  delivered = 0;
  const startUs = nowUs();
  let published = 0;
  const stopAt = startUs + (p.maxMs ?? 600_000) * 1000;
  while (published < p.events && nowUs() < stopAt) {
    if (published * p.subscribers - delivered >= p.windowDeliveries) {
      await new Promise<void>((resolve) => {
        creditWaiter = resolve;
        setTimeout(resolve, 50);
      });
      continue;
    }
    const s = current();
    const pending: Promise<unknown>[] = [];
    const end = Math.min(p.events, published + p.batch);
    for (; published < end; published++) {
      const r = s.publish(p.channel, workflowEvent(p.channel, published));
      if (r) pending.push(r);
    }
    if (pending.length > 0) await Promise.all(pending);
    await yieldToIo();
  }
  return { startUs, endUs: nowUs(), published };
}

interface RateParams {
  readonly channels: readonly string[];
  /** Events per second over all channels. */
  readonly eventsPerSec: number;
  readonly durationMs: number;
}

/** Publishes round-robin over `channels` at a steady total rate. */
async function rate(p: RateParams): Promise<{ startUs: number; endUs: number; published: number }> {
  const s = current();
  const total = Math.max(1, Math.round((p.eventsPerSec * p.durationMs) / 1000));
  const startUs = nowUs();
  let published = 0;
  const pending = new Set<Promise<unknown>>();
  while (published < total) {
    const due = Math.min(total, Math.floor(((nowUs() - startUs) / 1e6) * p.eventsPerSec) + 1);
    for (; published < due; published++) {
      const channel = p.channels[published % p.channels.length] ?? '';
      const r = s.publish(channel, workflowEvent(channel, Math.floor(published / p.channels.length)));
      if (r) {
        pending.add(r);
        void r.finally(() => pending.delete(r));
      }
    }
    await sleep(2);
  }
  await Promise.all(pending);
  return { startUs, endUs: nowUs(), published };
}

interface StormParams {
  readonly channels: readonly string[];
  readonly tickMs: number;
  /** Ticks published before the restart. */
  readonly ticksBeforeRestart: number;
  /** How long publishing goes on after the server is back. */
  readonly afterUpMs: number;
}

/**
 * Publishes one event per channel every tick and restarts the server mid-way. While the server is down the
 * publisher queues its events, as a backend that retries would, and sends them once it is back.
 */
async function storm(p: StormParams) {
  let n = 0;
  let restartStartUs = 0;
  let upUs = 0;
  let nAtUp = -1;
  let restarting: Promise<void> | null = null;
  let down = false;
  let sent = 0;
  // One flush at a time, so every event is published once and in order.
  let chain: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    chain = chain.then(async () => {
      for (; sent < n; sent++) await publishRound(p.channels, sent);
    });
    return chain;
  };
  const startUs = nowUs();
  for (;;) {
    const target = startUs + n * p.tickMs * 1000;
    const wait = (target - nowUs()) / 1000;
    if (wait > 0) await sleep(wait);
    n++;
    if (n === p.ticksBeforeRestart && !restarting) {
      await flush();
      down = true;
      restartStartUs = nowUs();
      restarting = current()
        .restart()
        .then(async () => {
          upUs = nowUs();
          down = false;
          await flush();
          nAtUp = sent - 1;
        });
    }
    if (!down) await flush();
    if (upUs > 0 && nAtUp >= 0 && nowUs() - upUs > p.afterUpMs * 1000) break;
    if (nowUs() - startUs > 120_000_000) throw new Error('storm publisher ran over two minutes');
  }
  await restarting;
  await flush();
  return { restartStartUs, upUs, downMs: (upUs - restartStartUs) / 1000, nAtUp, finalN: sent - 1 };
}

const cpu = createCpuMeterRpc();
const loop = createLoopMonitorRpc();

serveRpc(
  {
    start,
    burst,
    rate,
    storm,
    credit: (p: { delivered: number }) => {
      delivered = p.delivered;
      creditWaiter?.();
      creditWaiter = null;
    },
    connections: () => current().connectionCount(),
    memory: async () => {
      // Several collections, spaced out, so that only live per-connection state is counted.
      for (let i = 0; i < 4; i++) {
        globalThis.gc?.();
        await sleep(100);
      }
      return process.memoryUsage();
    },
    cpuStart: cpu.cpuStart,
    cpuStop: cpu.cpuStop,
    loopStart: loop.loopStart,
    loopStop: loop.loopStop,
    profileStart: startProfiler,
    profileStop: (p: { file: string }) => stopProfiler(p.file),
    close: async () => {
      await server?.close();
      server = null;
    },
  },
  async () => {
    await server?.close();
  },
);
