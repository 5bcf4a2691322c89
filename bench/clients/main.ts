/**
 * Load-client process (forked by bench/run.ts): holds every client connection of a scenario, counts
 * deliveries and latencies, and reports over IPC. Kept apart from the server process so that the two
 * can be measured separately.
 */
import { nowUs, waitUntil } from '../lib/clock.js';
import { createCpuMeterRpc, round } from '../lib/cpu.js';
import { emit, serveRpc } from '../lib/rpc.js';
import type { SystemName } from '../servers/types.js';
import { type ConnContext, type LoadConn, openConn, type SocketIoClientKind } from './conns.js';
import { Sink, type Track } from './sink.js';
import { type StormResultParams, stormResult } from './storm.js';

const sink = new Sink();
let conns: LoadConn[] = [];
let progressTimer: NodeJS.Timeout | null = null;
let readyEvents = 0;

interface ConnectParams {
  readonly system: SystemName;
  readonly port: number;
  readonly clients: number;
  /** Connection i subscribes to `${prefix}${i % channelCount}` (just `prefix` when channelCount is 1). */
  readonly channelPrefix: string;
  readonly channelCount: number;
  readonly reconnect: boolean;
  /** When > 0, record per-connection arrival of event numbers 0..trackEvents-1 (restart scenario). */
  readonly trackEvents: number;
  readonly sioClient: SocketIoClientKind;
  /** Handshakes in flight at once. @default 250 */
  readonly concurrency?: number;
}

async function connect(p: ConnectParams): Promise<{ ready: number; ms: number }> {
  const started = performance.now();
  const ctx: ConnContext = {
    port: p.port,
    sink,
    reconnect: p.reconnect,
    onReady: () => {
      readyEvents++;
    },
  };
  const wave = p.concurrency ?? 250;
  for (let i = 0; i < p.clients; i += wave) {
    const end = Math.min(p.clients, i + wave);
    for (let j = i; j < end; j++) {
      const channel = p.channelCount === 1 ? p.channelPrefix : `${p.channelPrefix}${j % p.channelCount}`;
      const track: Track | null =
        p.trackEvents > 0
          ? { arrivals: new Float64Array(p.trackEvents), duplicates: 0, readyAt: [], attempts: 0 }
          : null;
      conns.push(openConn(p.system, ctx, channel, track, p.sioClient));
    }
    await waitUntil(() => readyCount() >= end, 20_000, `${end} ${p.system} clients ready`).catch((e: Error) =>
      console.error(`[load] ${e.message} (${readyCount()} ready)`),
    );
  }
  return { ready: readyCount(), ms: round(performance.now() - started) };
}

function readyCount(): number {
  let n = 0;
  for (const c of conns) if (c.ready) n++;
  return n;
}

const cpu = createCpuMeterRpc();

serveRpc(
  {
    connect,
    readyCount,
    readyEvents: () => readyEvents,
    startCount: (p: { progressMs?: number }) => {
      sink.reset();
      if (progressTimer) clearInterval(progressTimer);
      progressTimer = setInterval(() => emit('progress', { delivered: sink.delivered }), p.progressMs ?? 10);
    },
    stopCount: () => {
      if (progressTimer) clearInterval(progressTimer);
      progressTimer = null;
      return {
        delivered: sink.delivered,
        firstUs: sink.firstUs,
        lastUs: sink.lastUs,
        latency: sink.latency.summary(),
      };
    },
    waitDelivered: async (p: { target: number; timeoutMs: number }) => {
      const reached = await waitUntil(() => sink.delivered >= p.target, p.timeoutMs, 'deliveries', 5).then(
        () => true,
        () => false,
      );
      return { reached, delivered: sink.delivered, lastUs: sink.lastUs, nowUs: nowUs() };
    },
    caughtUpCount: (p: { finalN: number }) =>
      conns.filter((c) => (c.track?.arrivals[p.finalN] ?? 0) > 0).length,
    stormResult: (p: StormResultParams) => stormResult(conns, p),
    cpuStart: cpu.cpuStart,
    cpuStop: cpu.cpuStop,
    memory: () => process.memoryUsage(),
    closeAll: () => {
      for (const c of conns) c.close();
      conns = [];
    },
  },
  () => {
    for (const c of conns) c.close();
  },
);
