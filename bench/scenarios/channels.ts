import type { CpuSample } from '../lib/cpu.js';
import { withPair } from '../lib/pair.js';
import type { HotFunction } from '../lib/profile.js';
import { BENCH_DIR } from '../lib/results.js';
import type { SystemName } from '../servers/types.js';
import { type CountResult, failure, pick, type ScenarioOptions, SYSTEMS } from './common.js';

const PREFIX = 'user:';

async function runOne(system: SystemName, clients: number, o: ScenarioOptions) {
  return withPair({ system }, async ({ server, client, connect }) => {
    const { ready } = await connect({ clients, channelPrefix: PREFIX, channelCount: clients });
    if (ready < clients) throw new Error(`only ${ready}/${clients} clients ready`);
    const channels = Array.from({ length: clients }, (_, i) => `${PREFIX}${i}`);
    const durationMs = o.quick ? 2_000 : 10_000;
    await client.call('startCount', {});
    await Promise.all([server.call('cpuStart'), client.call('cpuStart')]);
    const profiling = o.profile && system === 'herald';
    if (profiling) await server.call('profileStart');
    // One event per channel per second: `clients` events per second in all.
    const rate = await server.call<{ published: number }>(
      'rate',
      { channels, eventsPerSec: clients, durationMs },
      durationMs + 60_000,
    );
    await client.call('waitDelivered', { target: rate.published, timeoutMs: 20_000 }, 30_000);
    const [serverCpu, clientCpu] = await Promise.all([
      server.call<CpuSample | null>('cpuStop'),
      client.call<CpuSample | null>('cpuStop'),
    ]);
    if (profiling) {
      const file = `${BENCH_DIR}profiles/channels-herald-${clients}.cpuprofile`;
      const top = await server.call<HotFunction[]>('profileStop', { file });
      for (const f of top.slice(0, 15)) o.log(`    ${f.selfPercent}%  ${f.fn}  ${f.where}`);
    }
    const counted = await client.call<CountResult>('stopCount');
    return {
      system,
      // These hubs keep history in memory (servers/herald.ts); every Herald row names its store.
      ...(system === 'herald' ? { store: 'memory' } : {}),
      clients,
      eventsPerSec: clients,
      published: rate.published,
      delivered: counted.delivered,
      serverCpu,
      clientCpu,
      latency: counted.latency,
    };
  });
}

/** Scenario 2: every client on its own channel, one event per channel per second. */
export async function channels(o: ScenarioOptions) {
  const clients = o.quick ? 500 : 5_000;
  const rows: unknown[] = [];
  for (const system of pick(SYSTEMS, o)) {
    o.log(`channels: ${system} × ${clients}`);
    try {
      const row = await runOne(system, clients, o);
      o.log(
        `  server ${row.serverCpu?.percent}% cpu, p50 ${row.latency.p50} ms p99 ${row.latency.p99} ms, ${row.delivered}/${row.published}`,
      );
      rows.push(row);
    } catch (error) {
      o.log(`  failed: ${failure(error).error}`);
      rows.push({ system, clients, ...failure(error) });
    }
  }
  return { clients, rows };
}
