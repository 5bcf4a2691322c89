import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Hub, type HubOptions, startHub } from '@herald/hub';
import { listenWithRetry } from './listen-retry.js';

/** Options for {@link startTestHub}: every hub option, plus a temporary SQLite store. */
export interface TestHubOptions extends HubOptions {
  /**
   * Store events in SQLite in a fresh temporary directory, removed on `close()`. Data then survives
   * `restart()`. Cannot be combined with `store`.
   * @default false (in-memory store: `restart()` starts with empty history, like a crashed node)
   */
  sqlite?: boolean;
}

/** A hub for tests, which can be restarted in place to test reconnect and resume. */
export interface TestHub extends Hub {
  /** The temporary SQLite directory when started with `sqlite: true`, else `undefined`. */
  readonly dataDir: string | undefined;
  /**
   * Closes the hub (drain, flush, stop) and starts it again with the same options on the SAME port and
   * data directory, so clients and proxies pointing at it can reconnect. Rejects after `close()`.
   */
  restart(): Promise<void>;
}

/**
 * Starts an in-process hub for tests: `127.0.0.1`, a free port chosen by the OS, no logging. With no auth
 * options it is an open dev hub (no tokens needed). Always `close()` it (for example in `afterEach`).
 * A `store` given as a ready `EventStore` instance is shared across restarts and never closed here.
 *
 * @example
 * ```ts
 * const hub = await startTestHub({ sqlite: true });
 * await hub.publish('run:1', [{ type: 'step', data: { n: 1 } }]);
 * await hub.restart(); // same port, same history
 * await hub.close();
 * ```
 */
export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const { sqlite = false, ...hubOptions } = options;
  if (sqlite && hubOptions.store !== undefined) {
    throw new TypeError('startTestHub: pass either `sqlite: true` or `store`, not both');
  }
  const dataDir = sqlite ? await mkdtemp(join(tmpdir(), 'herald-test-hub-')) : undefined;
  const base: HubOptions = { host: '127.0.0.1', logger: false, ...hubOptions };
  if (dataDir !== undefined) base.store = { kind: 'sqlite', dir: dataDir };

  let hub: Hub;
  try {
    hub = await startHub({ ...base, port: hubOptions.port ?? 0 });
  } catch (error) {
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const port = hub.port;
  let closing: Promise<void> | undefined;
  let restarting: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closing ??= (async () => {
      await restarting?.catch(() => {}); // let a restart in progress finish so its hub is the one closed
      try {
        await hub.close();
      } finally {
        if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
      }
    })();
    return closing;
  };

  const restart = (): Promise<void> => {
    if (closing !== undefined) return Promise.reject(new Error('startTestHub: restart() after close()'));
    restarting ??= (async () => {
      try {
        await hub.close();
        hub = await listenWithRetry(() => startHub({ ...base, port }));
      } finally {
        restarting = undefined;
      }
    })();
    return restarting;
  };

  // Getters, not copies: after a restart every call goes to the new hub instance.
  return {
    get url() {
      return hub.url;
    },
    get wsUrl() {
      return hub.wsUrl;
    },
    get port() {
      return hub.port;
    },
    get host() {
      return hub.host;
    },
    get openDevHub() {
      return hub.openDevHub;
    },
    dataDir,
    publish: (channel, events) => hub.publish(channel, events),
    connectionCount: () => hub.connectionCount(),
    stats: () => hub.stats(),
    metricsText: () => hub.metricsText(),
    drain: (reason) => hub.drain(reason),
    close,
    restart,
  };
}
