import type { StormResult } from '../clients/storm.js';
import { waitUntil } from '../lib/clock.js';
import type { CpuSample } from '../lib/cpu.js';
import { type EngineName, withStore } from '../lib/engines/index.js';
import type { LoopSample } from '../lib/loop.js';
import { listenOverflows } from '../lib/netstat.js';
import { withPair } from '../lib/pair.js';
import type { HotFunction } from '../lib/profile.js';
import { BENCH_DIR } from '../lib/results.js';
import type { HeraldStore, SystemName } from '../servers/types.js';
import { ENGINES_SKIPPED, failure, pick, runsEngines, type ScenarioOptions } from './common.js';

/**
 * Events per channel per second. 4 (one every 250 ms) is steady traffic a 2-core box carries easily
 * (20,000 deliveries/s at 5,000 clients), so the numbers are about the restart; 10 (one every 100 ms) is a
 * busy workflow streaming progress, where the replay has to catch up with live traffic twice as heavy.
 */
const RATES = [4, 10] as const;
const TRACK_EVENTS = 1_000;

/** Ticks of normal traffic before the restart: 2 s (1 s in quick mode). */
const ticksBeforeRestart = (rate: number, o: ScenarioOptions): number => (o.quick ? 1 : 2) * rate;

interface StormTimes {
  readonly restartStartUs: number;
  readonly downMs: number;
  readonly nAtUp: number;
  readonly finalN: number;
}

/**
 * The restart scenario's systems: socket.io runs its real client, with and without state recovery. Herald
 * runs on SQLite and on each engine (the hub restarts, the engine keeps running).
 */
const VARIANTS: readonly { system: SystemName; label: string; store?: 'sqlite' | EngineName }[] = [
  { system: 'herald', label: 'herald (sqlite, resume with since)', store: 'sqlite' },
  { system: 'herald', label: 'herald (redis, resume with since)', store: 'redis' },
  { system: 'herald', label: 'herald (postgres, resume with since)', store: 'postgres' },
  { system: 'herald', label: 'herald (nats, resume with since)', store: 'nats' },
  { system: 'socketio', label: 'socket.io' },
  { system: 'socketio-csr', label: 'socket.io + connectionStateRecovery' },
  { system: 'ws', label: 'raw ws (no resume)' },
];

async function runOne(
  system: SystemName,
  store: HeraldStore,
  clients: number,
  channelCount: number,
  rate: number,
  o: ScenarioOptions,
) {
  const tickMs = 1000 / rate;
  return withPair({ system, store }, async ({ client, server, connect }) => {
    const { ready } = await connect({
      clients,
      channelPrefix: 'run:storm-',
      channelCount,
      reconnect: true,
      trackEvents: TRACK_EVENTS,
      sioClient: 'lib',
    });
    if (ready < clients) throw new Error(`only ${ready}/${clients} clients ready`);
    const channels = Array.from({ length: channelCount }, (_, i) => `run:storm-${i}`);
    // Publishing goes on long enough after the restart for slow resumers to see live events again.
    const afterUpMs = o.quick ? 2_000 : 20_000;
    await Promise.all([server.call('cpuStart'), server.call('loopStart'), client.call('cpuStart')]);
    const profiling = o.profile && system === 'herald';
    if (profiling) await server.call('profileStart');
    const overflowsBefore = listenOverflows();
    const times = await server.call<StormTimes>(
      'storm',
      { channels, tickMs, ticksBeforeRestart: ticksBeforeRestart(rate, o), afterUpMs },
      afterUpMs + 90_000,
    );
    const [serverCpu, serverLoop, clientCpu] = await Promise.all([
      server.call<CpuSample | null>('cpuStop'),
      server.call<LoopSample | null>('loopStop'),
      client.call<CpuSample | null>('cpuStop'),
    ]);
    const overflowsAfter = listenOverflows();
    if (profiling) {
      const file = `${BENCH_DIR}profiles/reconnect-herald-${clients}-${rate}per-s.cpuprofile`;
      const top = await server.call<HotFunction[]>('profileStop', { file });
      for (const f of top.slice(0, 15)) o.log(`    ${f.selfPercent}%  ${f.fn}  ${f.where}`);
    }
    const listenQueueOverflows =
      overflowsBefore === null || overflowsAfter === null ? null : overflowsAfter - overflowsBefore;
    // Give stragglers time to receive the last event, then count.
    await waitUntil(
      async () => (await client.call<number>('caughtUpCount', { finalN: times.finalN })) >= clients,
      o.quick ? 5_000 : 15_000,
      'every client has the last event',
      200,
    ).catch(() => {});
    const result = await client.call<StormResult>('stormResult', times);
    return {
      system,
      eventsPerSecPerChannel: rate,
      channels: channelCount,
      downMs: times.downMs,
      eventsPerChannel: times.finalN + 1,
      serverCpu,
      clientCpu,
      serverLoop,
      listenQueueOverflows,
      ...result,
    };
  });
}

/** Scenario 4: subscribed clients, events flowing, the server restarted; loss and time to catch up. */
export async function reconnect(o: ScenarioOptions) {
  const clients = o.quick ? 300 : 5_000;
  const channelCount = o.quick ? 10 : 50;
  const rows: unknown[] = [];
  // Quick mode skips the raw ws row: it only shows that a socket without resume loses events.
  const variants = pick(o.quick ? VARIANTS.filter((v) => v.system !== 'ws') : VARIANTS, o);
  for (const rate of RATES) {
    // Quick mode skips the raw ws row: it only shows that a socket without resume loses events.
    for (const { system, label: name, store } of variants) {
      const label = `${name}, ${rate}/s`;
      const engine = store !== undefined && store !== 'sqlite';
      if (engine && !runsEngines(o)) {
        o.log(`reconnect: ${label} ${ENGINES_SKIPPED}`);
        rows.push({ system, label, store, clients, eventsPerSecPerChannel: rate, skipped: ENGINES_SKIPPED });
        continue;
      }
      o.log(`reconnect: ${label} × ${clients}`);
      try {
        const row = await withStore(store ?? 'sqlite', (s) =>
          runOne(system, s, clients, channelCount, rate, o),
        );
        o.log(
          `  lost ${row.lost}, dup ${row.duplicates}, all resumed ${row.allResumedMs} ms, all caught up ${row.allCaughtUpMs} ms`,
        );
        rows.push({ label, ...(store ? { store } : {}), ...row });
      } catch (error) {
        o.log(`  failed: ${failure(error).error}`);
        rows.push({ system, label, store, clients, eventsPerSecPerChannel: rate, ...failure(error) });
      }
    }
  }
  return {
    ratesPerChannel: RATES,
    restartAfterS: o.quick ? 1 : 2,
    policy: 'reconnect 500 ms × 2^attempt ±50 %, max 5 s (all clients)',
    rows,
  };
}
