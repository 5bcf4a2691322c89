import type { LoadParams, LoadResult } from '../clients/http-load.js';
import type { CpuSample } from '../lib/cpu.js';
import { round } from '../lib/cpu.js';
import { type EngineName, withStore } from '../lib/engines/index.js';
import type { HotFunction } from '../lib/profile.js';
import { BENCH_DIR } from '../lib/results.js';
import { type Child, spawnChild } from '../lib/rpc.js';
import type { HttpTarget } from '../servers/http-main.js';
import type { HeraldStore, SystemName } from '../servers/types.js';
import { type CountResult, ENGINES_SKIPPED, failure, runsEngines, type ScenarioOptions } from './common.js';

/** Channels the publishes rotate over (`run:0` … `run:499`), one per request. */
const CHANNELS = 500;
const CONNECTIONS = 32;
/** The second phase's events per request. */
const BATCH = 20;
/** Channels `run:0` … with one subscribed client each, so that Herald and socket.io deliver for real. */
const WATCHED = 5;

/** One system answering the publishes. `engine` rows need Redis, PostgreSQL or NATS. */
interface TargetSpec {
  readonly label: string;
  readonly system: 'node-http' | 'herald' | 'socketio';
  readonly store?: HeraldStore | EngineName;
  /** Herald's `durability` (SQLite: `synchronous` NORMAL or FULL). @default 'normal' */
  readonly durability?: 'normal' | 'full';
}

const TARGETS: readonly TargetSpec[] = [
  { label: 'node:http (ceiling)', system: 'node-http' },
  { label: 'socket.io (HTTP → room)', system: 'socketio' },
  { label: 'herald (memory)', system: 'herald', store: 'memory' },
  { label: 'herald (sqlite, durability normal)', system: 'herald', store: 'sqlite' },
  { label: 'herald (sqlite, durability full)', system: 'herald', store: 'sqlite', durability: 'full' },
  { label: 'herald (redis)', system: 'herald', store: 'redis' },
  { label: 'herald (postgres)', system: 'herald', store: 'postgres' },
  { label: 'herald (nats)', system: 'herald', store: 'nats' },
];

const isEngine = (t: TargetSpec): boolean =>
  t.store === 'redis' || t.store === 'postgres' || t.store === 'nats';

/** One target, one phase. */
export interface HttpPublishRow {
  readonly label: string;
  readonly system: string;
  readonly store?: string;
  /** Herald's durability level. */
  readonly durability?: 'normal' | 'full';
  readonly batch: number;
  readonly requestsPerSec: number;
  readonly eventsPerSec: number;
  readonly latencyMs: LoadResult['latencyMs'];
  /** Hub (server process) CPU time per accepted event. */
  readonly serverCpuUsPerEvent: number | null;
  readonly serverCpu: CpuSample | null;
  readonly loadCpuPercent: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Events the watching clients received (those published to their channels). */
  readonly delivered: number | null;
  /** With `--profile`, Herald's heaviest functions during this phase (the profile is in bench/profiles/). */
  readonly profile?: readonly HotFunction[];
}

async function stopAll(children: readonly Child[]): Promise<void> {
  await Promise.all(children.map((c) => c.stop()));
}

/** Runs the warm-up and both phases against one target in fresh processes. */
async function runTarget(t: TargetSpec, o: ScenarioOptions): Promise<HttpPublishRow[]> {
  return withStore(t.store ?? 'memory', async (store) => {
    const target: HttpTarget =
      t.system === 'herald'
        ? { kind: 'herald', store, durability: t.durability ?? 'normal' }
        : { kind: t.system };
    const server = spawnChild('servers/http-main.ts');
    const load = spawnChild('clients/http-load.ts');
    const watchers = t.system === 'node-http' ? null : spawnChild('clients/main.ts');
    try {
      const { port } = await server.call<{ port: number }>('start', target, 30_000);
      if (watchers) {
        const sys: SystemName = t.system === 'herald' ? 'herald' : 'socketio';
        const { ready } = await watchers.call<{ ready: number }>('connect', {
          system: sys,
          port,
          clients: WATCHED,
          channelPrefix: 'run:',
          channelCount: WATCHED,
          reconnect: false,
          trackEvents: 0,
          sioClient: 'raw',
        });
        if (ready < WATCHED) throw new Error(`only ${ready}/${WATCHED} watching clients ready`);
      }
      const phase = (batch: number, durationS: number): Promise<LoadResult> =>
        load.call<LoadResult>(
          'run',
          { port, channels: CHANNELS, batch, connections: CONNECTIONS, durationS } satisfies LoadParams,
          durationS * 1000 + 60_000,
        );
      // Not measured: JIT warm-up, and the stores create their 500 channels (SQLite rows, JetStream streams).
      await phase(1, o.quick ? 1 : 2);
      const rows: HttpPublishRow[] = [];
      for (const batch of [1, BATCH]) {
        await watchers?.call('startCount', {});
        await server.call('cpuStart');
        const profiling = o.profile && t.system !== 'socketio';
        if (profiling) await server.call('profileStart');
        const r = await phase(batch, o.quick ? 2 : 10);
        const serverCpu = await server.call<CpuSample | null>('cpuStop');
        const profile = profiling
          ? await server.call<HotFunction[]>('profileStop', {
              file: `${BENCH_DIR}profiles/http-publish-${t.label.replace(/\W+/g, '-')}-${batch}.cpuprofile`,
            })
          : undefined;
        const counted = watchers ? await watchers.call<CountResult>('stopCount') : null;
        if (r.ok === 0)
          throw new Error(`no 2xx answers (${JSON.stringify(r.statusCodes)}, ${r.errors} errors)`);
        const events = r.ok * batch;
        rows.push({
          label: t.label,
          system: t.system,
          ...(t.system === 'herald'
            ? { store: typeof store === 'string' ? store : store.kind, durability: t.durability ?? 'normal' }
            : {}),
          batch,
          requestsPerSec: Math.round(r.ok / r.durationS),
          eventsPerSec: Math.round(events / r.durationS),
          latencyMs: r.latencyMs,
          serverCpuUsPerEvent: serverCpu ? round((serverCpu.cpuMs * 1000) / events, 2) : null,
          serverCpu,
          loadCpuPercent: r.loadCpuPercent,
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          delivered: counted?.delivered ?? null,
          ...(profile ? { profile } : {}),
        });
      }
      await server.call('close', undefined, 15_000).catch(() => {});
      return rows;
    } finally {
      await watchers?.call('closeAll', undefined, 10_000).catch(() => {});
      await stopAll(watchers ? [load, watchers, server] : [load, server]);
    }
  });
}

/** Scenario 7: a backend publishing over HTTP, one event and 20 events per request, spread over 500 channels. */
export async function httpPublish(o: ScenarioOptions) {
  const engines = runsEngines(o);
  const rows: unknown[] = [];
  // The node:http ceiling always runs: every ratio is taken against it.
  const targets = TARGETS.filter(
    (t) => o.systems.length === 0 || t.system === 'node-http' || o.systems.includes(t.system),
  );
  for (const t of targets) {
    if (isEngine(t) && !engines) {
      o.log(`http-publish: ${t.label} ${ENGINES_SKIPPED}`);
      rows.push({ label: t.label, system: t.system, store: t.store, skipped: ENGINES_SKIPPED });
      continue;
    }
    o.log(`http-publish: ${t.label}`);
    try {
      for (const row of await runTarget(t, o)) {
        o.log(
          `  batch ${row.batch}: ${row.requestsPerSec} req/s, ${row.eventsPerSec} events/s, p50 ${row.latencyMs.p50} ms p99 ${row.latencyMs.p99} ms, ${row.serverCpuUsPerEvent} µs CPU/event (server ${row.serverCpu?.percent} %, load ${row.loadCpuPercent} %)${row.non2xx + row.errors > 0 ? `, ${row.non2xx} non-2xx, ${row.errors} errors` : ''}`,
        );
        for (const f of row.profile ?? []) o.log(`    ${f.selfPercent} % ${f.fn} ${f.where}`);
        rows.push(row);
      }
    } catch (error) {
      o.log(`  failed: ${failure(error).error}`);
      rows.push({ label: t.label, system: t.system, store: t.store, ...failure(error) });
    }
  }
  return {
    channels: CHANNELS,
    connections: CONNECTIONS,
    batch: BATCH,
    watched: WATCHED,
    durationS: o.quick ? 2 : 10,
    eventBytes: 150,
    rows,
  };
}
