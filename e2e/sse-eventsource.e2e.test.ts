import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestToken,
  startTestHub,
  startUpgradeBlockingProxy,
  type TestHub,
  type UpgradeBlockingProxy,
} from '@herald/testing';
import { build } from 'esbuild';
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { REPO_ROOT } from './support/paths.js';

// Issue 12, SSE transport in a real browser: Chromium's own EventSource, behind a proxy that refuses
// WebSocket upgrades, with the client bundled as an app would (its SSE transport a lazily loaded chunk).

const SECRET = 'sse-e2e-secret-0123456789abcdef';
const CHANNEL = 'run:browser-sse';
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

let dir: string;
let hub: TestHub;
let proxy: UpgradeBlockingProxy;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-sse-e2e-'));
  // Bundled like an app's build: ES modules with code splitting, so `import('./sse.js')` is its own chunk.
  await build({
    entryPoints: { client: join(REPO_ROOT, 'packages/client/src/index.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    conditions: ['source'],
    outdir: dir,
    logLevel: 'silent',
  });
  await writeFile(
    join(dir, 'index.html'),
    `<!doctype html><meta charset="utf-8"><title>sse</title><script type="module">
      import { createClient } from './client.js';
      window.seen = { seqs: [], gaps: [], transports: [], acks: [], subscribed: 0 };
      window.start = (token) => {
        const client = createClient({
          url: location.origin,
          getToken: () => token,
          transports: ['websocket', 'sse', 'polling'],
          backoff: { initialMs: 50, maxMs: 250, minUptimeMs: 300 },
          connectTimeoutMs: 2000,
          upgradeIntervalMs: 500,
        });
        client.on('connected', (c) => window.seen.transports.push(c.transport));
        client.subscribe('${CHANNEL}', {
          onEvent: (e) => window.seen.seqs.push(e.seq),
          onSubscribed: () => window.seen.subscribed++,
          onGap: (g) => window.seen.gaps.push(g),
        });
        window.client = client;
      };
      window.heraldStatus = () => {
        const { state, lastError, transport } = window.client.getStatus();
        return { state, transport, code: lastError?.code ?? null };
      };
      window.publish = async (n) => (await window.client.publish('${CHANNEL}', 'from-page', { n })).seq;
    </script>`,
  );
  hub = await startTestHub({ sqlite: true, staticDir: dir, heartbeatMs: 500, auth: { jwtSecret: SECRET } });
  proxy = await startUpgradeBlockingProxy({ targetPort: hub.port });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('SSE transport in Chromium', () => {
  it('streams over EventSource when upgrades are refused, across a hub restart, exactly 1..N', async () => {
    const page = await (await browser.newContext()).newPage();
    const streams: Request[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/stream?')) streams.push(r);
    });
    await page.goto(`${proxy.url}/index.html`);
    const token = await createTestToken({ secret: SECRET, expiresInSec: 600 });
    await page.evaluate((t) => (window as unknown as { start(t: string): void }).start(t), token);
    const seen = () =>
      page.evaluate(
        () =>
          (
            window as unknown as {
              seen: { seqs: number[]; gaps: unknown[]; transports: string[]; subscribed: number };
            }
          ).seen,
      );
    await expect.poll(async () => (await seen()).transports, { timeout: 20_000 }).toEqual(['sse']);
    // Subscribed without a position: the stream starts live, so publish only once it is open.
    await expect.poll(async () => (await seen()).subscribed, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(proxy.refusedUpgrades()).toBeGreaterThanOrEqual(3);
    // Chromium's EventSource read the stream; it cannot send headers, so the token is in the URL.
    expect(streams[0]?.resourceType()).toBe('eventsource');
    expect(new URL(streams[0]?.url() ?? 'http://x').searchParams.get('token')).toBe(token);

    const N = 300;
    const publishFrom = async (from: number, to: number) => {
      for (let n = from; n <= to; n += 50)
        await hub.publish(
          CHANNEL,
          range(Math.min(50, to - n + 1)).map((i) => ({
            type: 'tick',
            data: { n: n + i - 1 },
            id: `e${n + i - 1}`,
          })),
        );
    };
    await publishFrom(1, 100);
    await expect.poll(async () => (await seen()).seqs.length, { timeout: 10_000 }).toBe(100);
    await hub.restart(); // same SQLite data: the streams end and the client resumes from seq 100
    await publishFrom(101, N - 1);
    // A publish from the page goes over HTTP while on SSE and is acked with its seq.
    const seq = await page.evaluate(
      (n) => (window as unknown as { publish(n: number): Promise<number> }).publish(n),
      N,
    );
    expect(seq).toBe(N);
    await expect.poll(async () => (await seen()).seqs.length, { timeout: 20_000 }).toBe(N);
    const final = await seen();
    expect(final.seqs).toEqual(range(N));
    expect(final.gaps).toEqual([]);
    expect(final.transports.every((t) => t === 'sse')).toBe(true);
    expect(streams.length).toBeGreaterThanOrEqual(2); // one stream before the restart, one after
    await page.context().close();
  });

  it('learns why EventSource was refused: a bad token fails with ERR_UNAUTHORIZED, not endless retries', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${proxy.url}/index.html`);
    const bad = await createTestToken({ secret: 'not-the-hub-secret-0123456789abcd', expiresInSec: 600 });
    await page.evaluate((t) => (window as unknown as { start(t: string): void }).start(t), bad);
    const status = () =>
      page.evaluate(() =>
        (
          window as unknown as { heraldStatus(): { state: string; transport: string; code: string | null } }
        ).heraldStatus(),
      );
    await expect.poll(async () => (await status()).state, { timeout: 20_000 }).toBe('failed');
    expect(await status()).toEqual({ state: 'failed', transport: 'sse', code: 'ERR_UNAUTHORIZED' });
    await page.context().close();
  });
});
