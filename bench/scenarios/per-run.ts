import type { LoadParams, LoadResult } from '../clients/http-load.js';
import type { CpuSample } from '../lib/cpu.js';
import { round } from '../lib/cpu.js';
import type { LoopSample } from '../lib/loop.js';
import type { HotFunction } from '../lib/profile.js';
import { BENCH_DIR } from '../lib/results.js';
import { spawnChild } from '../lib/rpc.js';
import type { LatencySummary } from '../lib/stats.js';
import type { HttpTarget } from '../servers/http-main.js';
import type { SystemName } from '../servers/types.js';
import { type CountResult, failure, type ScenarioOptions } from './common.js';

/** Run channels `run:0` … `run:1999`, one watching client on each (the seeds' shape: one browser per run). */
const RUNS = 2_000;
const CONNECTIONS = 32;

/**
 * The two measured phases, one event per request: `steady` is a busy hour (1.5 events/s per run) and gives
 * the hub CPU per delivered event; `latency` is a calm fixed load (one event per run every 2 s) where no
 * process is near saturation, so publish → receipt reads the path itself rather than queueing.
 */
const PHASES = [
  { name: 'steady', ratePerSec: 3_000 },
  { name: 'latency', ratePerSec: 1_000 },
] as const;

interface TargetSpec {
  readonly label: string;
  readonly system: 'herald' | 'socketio' | 'ws';
  readonly target: HttpTarget;
}

const TARGETS: readonly TargetSpec[] = [
  { label: 'herald (sqlite)', system: 'herald', target: { kind: 'herald', store: 'sqlite' } },
  { label: 'herald (memory)', system: 'herald', target: { kind: 'herald', store: 'memory' } },
  { label: 'socket.io (HTTP → room)', system: 'socketio', target: { kind: 'socketio' } },
  { label: 'raw ws (HTTP → sockets)', system: 'ws', target: { kind: 'ws' } },
];

/** One target, one phase. */
export interface PerRunRow {
  readonly label: string;
  readonly system: string;
  readonly store?: string;
  readonly phase: string;
  /** Offered load, requests (= events) per second. */
  readonly offeredPerSec: number;
  /** Accepted publishes per second. */
  readonly publishedPerSec: number;
  readonly delivered: number;
  /** Events accepted that the watchers had not received 10 s after the phase. */
  readonly missing: number;
  /** Publish (request sent) → receipt by the watching client. */
  readonly latency: LatencySummary;
  /** The HTTP answer's latency at the load tool. */
  readonly httpLatencyMs: LoadResult['latencyMs'];
  /** Server process CPU per delivered event. */
  readonly serverCpuUsPerDelivered: number | null;
  readonly serverCpu: CpuSample | null;
  /** The server's event loop over the phase: how busy, and its longest stall (what a p99 can hide). */
  readonly serverLoop: LoopSample | null;
  readonly non2xx: number;
  readonly errors: number;
  readonly profile?: readonly HotFunction[];
}

async function runTarget(t: TargetSpec, o: ScenarioOptions): Promise<PerRunRow[]> {
  const server = spawnChild('servers/http-main.ts');
  const load = spawnChild('clients/http-load.ts');
  const watchers = spawnChild('clients/main.ts');
  try {
    const { port } = await server.call<{ port: number }>('start', t.target, 30_000);
    const { ready } = await watchers.call<{ ready: number }>(
      'connect',
      {
        system: t.system satisfies SystemName,
        port,
        clients: RUNS,
        channelPrefix: 'run:',
        channelCount: RUNS,
        reconnect: false,
        trackEvents: 0,
        sioClient: 'raw',
      },
      120_000,
    );
    if (ready < RUNS) throw new Error(`only ${ready}/${RUNS} watching clients ready`);
    const phase = (ratePerSec: number, durationS: number): Promise<LoadResult> =>
      load.call<LoadResult>(
        'run',
        {
          port,
          channels: RUNS,
          batch: 1,
          connections: CONNECTIONS,
          durationS,
          ratePerSec,
          stamp: true,
        } satisfies LoadParams,
        durationS * 1000 + 60_000,
      );
    // Not measured: JIT warm-up, and every run channel gets its first event (SQLite rows, hub channels).
    await phase(PHASES[1].ratePerSec, o.quick ? 2 : 3);
    const rows: PerRunRow[] = [];
    for (const p of PHASES) {
      await watchers.call('startCount', {});
      await server.call('cpuStart');
      await server.call('loopStart');
      const profiling = o.profile && t.system === 'herald';
      if (profiling) await server.call('profileStart');
      const r = await phase(p.ratePerSec, o.quick ? 3 : 10);
      await watchers.call('waitDelivered', { target: r.ok, timeoutMs: 10_000 }, 20_000);
      const serverCpu = await server.call<CpuSample | null>('cpuStop');
      const serverLoop = await server.call<LoopSample | null>('loopStop');
      const profile = profiling
        ? await server.call<HotFunction[]>('profileStop', {
            file: `${BENCH_DIR}profiles/per-run-${t.label.replace(/\W+/g, '-')}-${p.name}.cpuprofile`,
          })
        : undefined;
      const counted = await watchers.call<CountResult>('stopCount');
      if (r.ok === 0)
        throw new Error(`no 2xx answers (${JSON.stringify(r.statusCodes)}, ${r.errors} errors)`);
      rows.push({
        label: t.label,
        system: t.system,
        ...(t.target.kind === 'herald' ? { store: String(t.target.store) } : {}),
        phase: p.name,
        offeredPerSec: p.ratePerSec,
        publishedPerSec: Math.round(r.ok / r.durationS),
        delivered: counted.delivered,
        missing: Math.max(0, r.ok - counted.delivered),
        latency: counted.latency,
        httpLatencyMs: r.latencyMs,
        serverCpuUsPerDelivered:
          serverCpu && counted.delivered > 0 ? round((serverCpu.cpuMs * 1000) / counted.delivered, 2) : null,
        serverCpu,
        serverLoop,
        non2xx: r.non2xx,
        errors: r.errors,
        ...(profile ? { profile } : {}),
      });
    }
    await server.call('close', undefined, 15_000).catch(() => {});
    return rows;
  } finally {
    await watchers.call('closeAll', undefined, 10_000).catch(() => {});
    await Promise.all([load.stop(), watchers.stop(), server.stop()]);
  }
}

/**
 * Scenario 8: the seeds' own workload. 2,000 run channels with one watching client each; a backend posts
 * one event per request over HTTP at a fixed offered rate; publish → receipt latency and server CPU per
 * delivered event, Herald against socket.io and raw ws behind the same kind of HTTP endpoint.
 */
export async function perRun(o: ScenarioOptions) {
  const rows: unknown[] = [];
  const targets = TARGETS.filter((t) => o.systems.length === 0 || o.systems.includes(t.system));
  for (const t of targets) {
    o.log(`per-run: ${t.label} × ${RUNS}`);
    try {
      for (const row of await runTarget(t, o)) {
        o.log(
          `  ${row.phase} @ ${row.offeredPerSec}/s: ${row.publishedPerSec} published/s, ${row.delivered} delivered (${row.missing} missing), p50 ${row.latency.p50} ms p99 ${row.latency.p99} ms, ${row.serverCpuUsPerDelivered} µs CPU/delivered (server ${row.serverCpu?.percent} %, loop max delay ${row.serverLoop?.delayMaxMs} ms)`,
        );
        for (const f of row.profile ?? []) o.log(`    ${f.selfPercent} % ${f.fn} ${f.where}`);
        rows.push(row);
      }
    } catch (error) {
      o.log(`  failed: ${failure(error).error}`);
      rows.push({ label: t.label, system: t.system, ...failure(error) });
    }
  }
  return { runs: RUNS, connections: CONNECTIONS, phases: PHASES, durationS: o.quick ? 3 : 10, rows };
}
