import { execFileSync } from 'node:child_process';
import { sleep } from '../lib/clock.js';
import { round } from '../lib/cpu.js';
import { withPair } from '../lib/pair.js';
import type { SystemName } from '../servers/types.js';
import { failure, pick, type ScenarioOptions, SYSTEMS } from './common.js';

/** Connections plus a margin for the load process's own descriptors. */
function fdLimit(): { soft: number; hard: number } {
  const read = (flag: string): number => {
    try {
      const out = execFileSync('sh', ['-c', `ulimit ${flag}`])
        .toString()
        .trim();
      return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out);
    } catch {
      return 0;
    }
  };
  return { soft: read('-Sn'), hard: read('-Hn') };
}

async function runOne(system: SystemName, connections: number) {
  return withPair({ system }, async ({ server, connect }) => {
    const before = await server.call<NodeJS.MemoryUsage>('memory');
    const { ready } = await connect({
      clients: connections,
      channelPrefix: 'idle:',
      channelCount: connections,
    });
    await sleep(500);
    const after = await server.call<NodeJS.MemoryUsage>('memory');
    const open = await server.call<number>('connections');
    const perConnKiB = (a: number, b: number): number => round((a - b) / 1024 / Math.max(1, ready), 2);
    return {
      system,
      // These hubs keep history in memory (servers/herald.ts); every Herald row names its store.
      ...(system === 'herald' ? { store: 'memory' } : {}),
      connections,
      ready,
      serverConnections: open,
      heapKiBPerConn: perConnKiB(after.heapUsed, before.heapUsed),
      rssKiBPerConn: perConnKiB(after.rss, before.rss),
      externalKiBPerConn: perConnKiB(after.external, before.external),
    };
  });
}

/** Scenario 3: server memory per idle connection (each subscribed to its own channel). */
export async function idle(o: ScenarioOptions) {
  const limits = fdLimit();
  const wanted = o.quick ? [1_000] : [1_000, 10_000];
  // Each process needs one descriptor per connection plus some for itself; a child cannot raise the hard limit.
  const capped = wanted.map((n) => (n + 200 > limits.soft ? Math.max(0, limits.soft - 200) : n));
  const rows: unknown[] = [];
  for (const connections of capped) {
    for (const system of pick(SYSTEMS, o)) {
      o.log(`idle: ${system} × ${connections}`);
      try {
        const row = await runOne(system, connections);
        o.log(
          `  heap ${row.heapKiBPerConn} KiB/conn, rss ${row.rssKiBPerConn} KiB/conn (${row.ready} ready)`,
        );
        rows.push(row);
      } catch (error) {
        o.log(`  failed: ${failure(error).error}`);
        rows.push({ system, connections, ...failure(error) });
      }
    }
  }
  return { fdLimit: limits, requested: wanted, measured: capped, channelPerConnection: true, rows };
}
