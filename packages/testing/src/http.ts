import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Hub, type HubOptions, startHub } from '../../src/index.js';

/** A hub on port 0 with a silent logger; `sqlite: true` gives it a temp data dir removed by `cleanup`. */
export interface TestHub {
  hub: Hub;
  dataDir: string | undefined;
  /** Closes the hub and restarts it on the same data dir (new port). */
  restart(extra?: HubOptions): Promise<Hub>;
  /** Closes the hub and removes the data dir. */
  cleanup(): Promise<void>;
}

/** Starts a test hub. */
export async function startTestHub(options: HubOptions & { sqlite?: boolean } = {}): Promise<TestHub> {
  const { sqlite, ...rest } = options;
  const dataDir = sqlite ? await mkdtemp(join(tmpdir(), 'herald-hub-test-')) : undefined;
  const make = (extra: HubOptions = {}): Promise<Hub> =>
    startHub({
      port: 0,
      logger: false,
      ...(dataDir === undefined ? {} : { store: { kind: 'sqlite', dir: dataDir } }),
      ...rest,
      ...extra,
    });
  const t: TestHub = {
    hub: await make(),
    dataDir,
    async restart(extra) {
      await t.hub.close();
      t.hub = await make(extra);
      return t.hub;
    },
    async cleanup() {
      await t.hub.close();
      if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Posts JSON (or a raw string body) to the hub and returns status, headers and parsed body. */
export async function http(
  url: string,
  init: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown; headers: Headers; text: string }> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.raw !== undefined) body = init.raw;
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body: body ?? null,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (metrics, SSE).
  }
  return { status: res.status, body: parsed, headers: res.headers, text };
}

/** Publishes `count` events `{type:'n', data:{i}}` to `channel` over HTTP in batches of 100. */
export async function publishMany(baseUrl: string, channel: string, count: number, start = 0, key?: string) {
  for (let i = 0; i < count; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 100); j++) batch.push({ type: 'n', data: { i: start + j } });
    const res = await http(`${baseUrl}/v1/channels/${channel}/events`, {
      body: batch,
      ...(key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } }),
    });
    if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${res.text}`);
  }
}
