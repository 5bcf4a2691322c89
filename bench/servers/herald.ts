import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Durability, HubOptions } from '@herald/hub';
import { EVENT_TYPE } from '../lib/payload.js';
import type { BenchServer, HeraldStore } from './types.js';

/** Send-buffer limit for bench hubs: generous so that a briefly slow load client is not cut as a slow consumer. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * Herald's hub, in process, publishing through `hub.publish` (the same path as the HTTP API). The memory
 * store is used for throughput; the restart scenario uses SQLite in a temp dir, kept across restarts. An
 * engine-backed store gets the hub's default broker on the same engine, as a multi-node deployment has.
 */
export async function startHeraldServer(
  port = 0,
  store: HeraldStore = 'memory',
  durability: Durability = 'normal',
  compression = false,
): Promise<BenchServer> {
  // Imported on demand so that the peers' server processes do not load the hub. run.ts passes a plain-JS
  // build of it (lib/build-hub.ts); without one, the TypeScript sources load through tsx.
  const built = process.env.HERALD_BENCH_HUB;
  const { startHub }: typeof import('@herald/hub') = built
    ? await import(pathToFileURL(built).href)
    : await import('@herald/hub');
  const dir = store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'herald-bench-')) : undefined;
  const options = (onPort: number): HubOptions => ({
    port: onPort,
    host: '127.0.0.1',
    store: typeof store === 'object' ? store : dir ? { kind: 'sqlite', dir } : { kind: 'memory' },
    logger: false,
    durability,
    compression,
    limits: { maxBufferedBytes: MAX_BUFFERED_BYTES },
  });
  let hub = await startHub(options(port));
  const bound = hub.port;
  return {
    port: bound,
    publish: (channel, event) => hub.publish(channel, [{ type: EVENT_TYPE, data: event }]),
    connectionCount: () => hub.connectionCount(),
    async restart() {
      await hub.close();
      hub = await startHub(options(bound));
    },
    async close() {
      await hub.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
