import type { CpuSample } from '../lib/cpu.js';
import { round } from '../lib/cpu.js';
import { withPair } from '../lib/pair.js';
import type { HotFunction } from '../lib/profile.js';
import { BENCH_DIR } from '../lib/results.js';
import type { SystemName } from '../servers/types.js';
import { type CountResult, failure, pick, type ScenarioOptions, SYSTEMS, saturated } from './common.js';

const CHANNEL = 'run:fanout';
/** Most deliveries in flight during the throughput phase (bounds every server's send buffers). */
const WINDOW_DELIVERIES = 100_000;
/** Offered load of the latency phase, the same for every system: deliveries per second. */
const LATENCY_LOAD = 50_000;

/** One system's fan-out result at one subscriber count. */
export interface FanoutRow {
  readonly system: SystemName;
  readonly subscribers: number;
  readonly throughput: {
    readonly events: number;
    readonly delivered: number;
    readonly deliveriesPerSec: number;
    readonly serverCpu: CpuSample | null;
    readonly clientCpu: CpuSample | null;
    readonly saturated: string;
  };
  readonly latency: CountResult['latency'] & {
    readonly eventsPerSec: number;
    readonly delivered: number;
    readonly expected: number;
    readonly serverCpu: CpuSample | null;
    readonly clientCpu: CpuSample | null;
  };
  readonly profile?: readonly HotFunction[];
}

async function runOne(system: SystemName, subscribers: number, o: ScenarioOptions): Promise<FanoutRow> {
  return withPair({ system }, async ({ server, client, connect }) => {
    const { ready } = await connect({ clients: subscribers, channelPrefix: CHANNEL });
    if (ready < subscribers) throw new Error(`only ${ready}/${subscribers} subscribers ready`);

    // Warm-up, not measured: JIT, and TCP buffers that the kernel grows under traffic.
    await client.call('startCount', { progressMs: 10 });
    const warm = await server.call<{ published: number }>('burst', {
      channel: CHANNEL,
      events: 1_000_000,
      subscribers,
      windowDeliveries: WINDOW_DELIVERIES,
      batch: 20,
      maxMs: o.quick ? 300 : 1_500,
    });
    await client.call('waitDelivered', { target: warm.published * subscribers, timeoutMs: 30_000 }, 40_000);

    // Throughput: as fast as the delivery window allows.
    const target = o.quick ? 100_000 : 1_000_000;
    const events = Math.max(20, Math.round(target / subscribers));
    await client.call('startCount', { progressMs: 10 });
    await Promise.all([server.call('cpuStart'), client.call('cpuStart')]);
    const profiling = o.profile && system === 'herald';
    if (profiling) await server.call('profileStart');
    const burst = await server.call<{ startUs: number; published: number }>(
      'burst',
      {
        channel: CHANNEL,
        events,
        subscribers,
        windowDeliveries: WINDOW_DELIVERIES,
        batch: 20,
        maxMs: o.quick ? 1_500 : 8_000,
      },
      120_000,
    );
    await client.call('waitDelivered', { target: burst.published * subscribers, timeoutMs: 60_000 }, 70_000);
    const [serverCpu, clientCpu] = await Promise.all([
      server.call<CpuSample | null>('cpuStop'),
      client.call<CpuSample | null>('cpuStop'),
    ]);
    const profile = profiling
      ? await server.call<HotFunction[]>('profileStop', {
          file: `${BENCH_DIR}profiles/fanout-herald-${subscribers}.cpuprofile`,
        })
      : undefined;
    const counted = await client.call<CountResult>('stopCount');
    const seconds = (counted.lastUs - burst.startUs) / 1e6;

    // Latency at the same offered load for every system.
    const eventsPerSec = Math.min(2_000, LATENCY_LOAD / subscribers);
    const durationMs = o.quick ? 1_000 : 8_000;
    await client.call('startCount', {});
    await Promise.all([server.call('cpuStart'), client.call('cpuStart')]);
    const rate = await server.call<{ published: number }>(
      'rate',
      { channels: [CHANNEL], eventsPerSec, durationMs },
      60_000,
    );
    const expected = rate.published * subscribers;
    await client.call('waitDelivered', { target: expected, timeoutMs: 20_000 }, 30_000);
    const [latencyCpu, latencyClientCpu] = await Promise.all([
      server.call<CpuSample | null>('cpuStop'),
      client.call<CpuSample | null>('cpuStop'),
    ]);
    const latency = await client.call<CountResult>('stopCount');

    return {
      system,
      // These hubs keep history in memory (servers/herald.ts); every Herald row names its store.
      ...(system === 'herald' ? { store: 'memory' } : {}),
      subscribers,
      throughput: {
        events: burst.published,
        delivered: counted.delivered,
        deliveriesPerSec: seconds > 0 ? Math.round(counted.delivered / seconds) : 0,
        serverCpu,
        clientCpu,
        saturated: saturated(serverCpu, clientCpu),
      },
      latency: {
        ...latency.latency,
        eventsPerSec: round(eventsPerSec),
        delivered: latency.delivered,
        expected,
        serverCpu: latencyCpu,
        clientCpu: latencyClientCpu,
      },
      ...(profile ? { profile } : {}),
    };
  });
}

/** Scenario 1: N subscribers on one channel; deliveries/s and publish-to-receipt latency. */
export async function fanout(o: ScenarioOptions) {
  const sizes = o.quick ? [100, 500] : [100, 1_000, 5_000];
  const rows: Array<FanoutRow | ({ system: SystemName; subscribers: number } & { error: string })> = [];
  for (const subscribers of sizes) {
    // Full runs add raw ws corked per turn: the ceiling for one frame per event with few syscalls.
    for (const system of pick(o.quick ? SYSTEMS : [...SYSTEMS, 'ws-cork' as const], o)) {
      o.log(`fanout: ${system} × ${subscribers}`);
      try {
        const row = await runOne(system, subscribers, o);
        o.log(
          `  ${Math.round(row.throughput.deliveriesPerSec).toLocaleString('en')} deliveries/s (server ${row.throughput.serverCpu?.percent}% / client ${row.throughput.clientCpu?.percent}% cpu), p50 ${row.latency.p50} ms p99 ${row.latency.p99} ms`,
        );
        for (const f of row.profile?.slice(0, 12) ?? []) o.log(`    ${f.selfPercent}%  ${f.fn}  ${f.where}`);
        rows.push(row);
      } catch (error) {
        o.log(`  failed: ${failure(error).error}`);
        rows.push({ system, subscribers, ...failure(error) });
      }
    }
  }
  return {
    channel: CHANNEL,
    windowDeliveries: WINDOW_DELIVERIES,
    latencyLoadDeliveriesPerSec: LATENCY_LOAD,
    rows,
  };
}
