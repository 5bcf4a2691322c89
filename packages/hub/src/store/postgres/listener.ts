import { Client } from 'pg';

/** Options of {@link createListener}. */
export interface ListenerOptions {
  readonly url: string;
  readonly topic: string;
  /** Each notification's payload. */
  readonly onNotify: (payload: string) => void;
  /**
   * Called after every (re)connect once LISTEN is active, with the database time up to which the previous
   * connection was known alive (`null` on the first connect): notifications after it may be lost.
   */
  readonly onListening: (aliveUntil: Date | null) => void;
  readonly onError: (error: unknown) => void;
  /** How often the connection is probed (a dead TCP link can stay silent for minutes). */
  readonly heartbeatMs: number;
}

/** A LISTEN connection. */
export interface Listener {
  /** Resolves once LISTEN is active for the first time. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Holds one LISTEN connection and reconnects it (backoff 100 ms doubling to 2 s) whenever it drops, for
 * example across a PostgreSQL restart. A heartbeat records the database clock, so the caller learns from
 * when on it may have missed notifications.
 */
export function createListener(options: ListenerOptions): Listener {
  let client: Client | null = null;
  let closed = false;
  let aliveUntil: Date | null = null;
  let delay = 100;
  /** Failed connects since the last success: only the first of an outage is reported. */
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  const heartbeat = setInterval(() => {
    const c = client;
    if (c === null) return;
    c.query<{ now: Date }>('SELECT now() AS now').then(
      (r) => {
        if (c === client && r.rows[0] !== undefined) aliveUntil = r.rows[0].now;
      },
      () => drop(c),
    );
  }, options.heartbeatMs);
  heartbeat.unref();

  function drop(c: Client): void {
    if (c !== client) return;
    client = null;
    c.removeAllListeners('notification');
    c.on('error', () => {});
    c.end().catch(() => {});
    schedule();
  }

  function schedule(): void {
    if (closed) return;
    retryTimer = setTimeout(connect, delay);
    retryTimer.unref();
    delay = Math.min(delay * 2, 2000);
  }

  async function connect(): Promise<void> {
    if (closed) return;
    const c = new Client({ connectionString: options.url });
    c.on('error', () => drop(c));
    c.on('end', () => drop(c));
    c.on('notification', (n) => {
      if (n.channel === options.topic && n.payload !== undefined) options.onNotify(n.payload);
    });
    client = c;
    try {
      await c.connect();
      await c.query(`LISTEN "${options.topic.replaceAll('"', '""')}"`);
      const { rows } = await c.query<{ now: Date }>('SELECT now() AS now');
      if (closed || c !== client) return;
      const previous = aliveUntil;
      aliveUntil = rows[0]?.now ?? null;
      delay = 100;
      failures = 0;
      resolveReady();
      options.onListening(previous);
    } catch (error) {
      if (c === client && !closed && ++failures === 1) options.onError(error);
      drop(c);
    }
  }

  void connect();
  return {
    ready,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(retryTimer);
      const c = client;
      client = null;
      if (c !== null) await c.end().catch(() => {});
    },
  };
}
