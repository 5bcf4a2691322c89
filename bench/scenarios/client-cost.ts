import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { BrowserBench } from '../browser/harness.js';
import { withTimeout } from '../lib/clock.js';
import { type CpuSample, round } from '../lib/cpu.js';
import { startFramePump } from '../lib/frame-pump.js';
import { EVENT_TYPE, workflowEvent } from '../lib/payload.js';
import { BENCH_DIR } from '../lib/results.js';
import { spawnChild } from '../lib/rpc.js';
import { failure, type ScenarioOptions } from './common.js';

const CHROMIUM = '/usr/bin/chromium';
const FRAME_SIZES = [1, 10] as const;
/** How far behind the catch-up subscriber starts (the hub's default retention keeps exactly this many). */
const CATCH_UP_EVENTS = 10_000;
const CATCH_UP_TRANSPORTS = ['websocket', 'polling'] as const;

/** JSON.parse alone on the same one-event frame: the floor any JSON client pays. */
function jsonParseRate(durationMs: number): number {
  const data = JSON.stringify(workflowEvent('run:cost', 0));
  const frame = `{"type":"events","events":[{"channel":"run:cost","seq":1,"id":"evt_1","ts":"${new Date().toISOString()}","type":"${EVENT_TYPE}","data":${data}}]}`;
  let n = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    for (let i = 0; i < 1_000; i++) JSON.parse(frame);
    n += 1_000;
  }
  return Math.round(n / (durationMs / 1000));
}

async function nodeRun(eventsPerFrame: number, durationMs: number) {
  const pump = await startFramePump(eventsPerFrame);
  const child = spawnChild('clients/cost.ts');
  try {
    const r = await child.call<{ events: number; eventsPerSec: number; cpu: CpuSample }>(
      'measure',
      { wsUrl: pump.wsUrl, durationMs },
      durationMs + 30_000,
    );
    return { eventsPerFrame, ...r };
  } finally {
    await child.stop();
    await pump.close();
  }
}

async function bundleHarness(): Promise<string> {
  const out = await build({
    entryPoints: [`${BENCH_DIR}browser/harness.ts`],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]?.text ?? '';
}

async function browserRun(durationMs: number) {
  if (!existsSync(CHROMIUM)) return { skipped: `${CHROMIUM} not installed (apt-get install -y chromium)` };
  const script = await bundleHarness();
  const page =
    '<!doctype html><meta charset="utf-8"><title>herald bench</title><script src="/bench.js"></script>';
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    const js = req.url === '/bench.js';
    res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    res.end(js ? script : page);
  };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox'],
    timeout: 30_000,
  });
  const rows: unknown[] = [];
  try {
    for (const eventsPerFrame of FRAME_SIZES) {
      const pump = await startFramePump(eventsPerFrame, serve);
      try {
        const tab = await browser.newPage();
        await tab.goto(`http://127.0.0.1:${pump.port}/`, { timeout: 30_000 });
        const limit = durationMs + 30_000;
        const r = await withTimeout(
          tab.evaluate(
            ([url, ms]) => (globalThis as unknown as { heraldBench: BrowserBench }).heraldBench.run(url, ms),
            [pump.wsUrl, durationMs] as const,
          ),
          limit,
          'browser client run',
        );
        await tab.reload({ timeout: 30_000 });
        const raw = await withTimeout(
          tab.evaluate(
            ([url, ms]) =>
              (globalThis as unknown as { heraldBench: BrowserBench }).heraldBench.runRaw(url, ms),
            [pump.wsUrl, durationMs] as const,
          ),
          limit,
          'browser bare WebSocket run',
        );
        rows.push({
          eventsPerFrame,
          events: r.events,
          eventsPerSec: Math.round(r.events / (r.ms / 1000)),
          bareWebSocketEventsPerSec: Math.round((raw.frames * eventsPerFrame) / (raw.ms / 1000)),
        });
        await tab.close();
      } finally {
        await pump.close();
      }
    }
  } finally {
    await browser.close();
  }
  return { browser: `Chromium ${browser.version()}`, rows };
}

/** One catch-up run's result, as clients/cost.ts returns it. */
export interface CatchUpRun {
  readonly transport: string;
  readonly events: number;
  readonly inOrder: boolean;
  readonly ms: number;
  readonly eventsPerSec: number;
  readonly catchUpPolls: number;
  readonly cpu: CpuSample;
}

/**
 * A real hub (memory store) holding `CATCH_UP_EVENTS` events on one channel, and a real client in another
 * process subscribing from seq 0 over each transport in turn, `runs` times each: events/s from subscribe
 * to the last event delivered (connection set-up included). The median run of each transport is reported.
 */
async function catchUpRuns(runs: number) {
  const server = spawnChild('servers/main.ts');
  const client = spawnChild('clients/cost.ts');
  try {
    const { port } = await server.call<{ port: number }>('start', { system: 'herald' }, 30_000);
    const channel = 'run:catch-up';
    await server.call(
      'burst',
      { channel, events: CATCH_UP_EVENTS, subscribers: 0, windowDeliveries: 1, batch: 100 },
      120_000,
    );
    const rows = [];
    for (const transport of CATCH_UP_TRANSPORTS) {
      const all: CatchUpRun[] = [];
      for (let i = 0; i < runs; i++) {
        const run = await client.call<CatchUpRun>(
          'catchUp',
          { url: `http://127.0.0.1:${port}`, channel, transport, events: CATCH_UP_EVENTS },
          90_000,
        );
        if (!run.inOrder || run.events !== CATCH_UP_EVENTS) throw new Error(`${transport}: not exactly 1..N`);
        all.push(run);
      }
      all.sort((a, b) => a.eventsPerSec - b.eventsPerSec);
      const median = all[Math.floor(all.length / 2)] as CatchUpRun;
      rows.push({ ...median, runsEventsPerSec: all.map((r) => r.eventsPerSec) });
    }
    return { eventsBehind: CATCH_UP_EVENTS, runs, rows };
  } finally {
    await server.call('close', undefined, 15_000).catch(() => {});
    await Promise.all([client.stop(), server.stop()]);
  }
}

/** Scenario 5: events/s the Herald client core parses and dispatches, in Node and in headless Chromium. */
export async function clientCost(o: ScenarioOptions) {
  const durationMs = o.quick ? 1_000 : 3_000;
  const node: unknown[] = [];
  for (const eventsPerFrame of FRAME_SIZES) {
    o.log(`client-cost: node, ${eventsPerFrame} event(s) per frame`);
    try {
      const r = await nodeRun(eventsPerFrame, durationMs);
      o.log(`  ${r.eventsPerSec.toLocaleString('en')} events/s (client ${r.cpu.percent}% cpu)`);
      node.push(r);
    } catch (error) {
      o.log(`  failed: ${failure(error).error}`);
      node.push({ eventsPerFrame, ...failure(error) });
    }
  }
  o.log('client-cost: chromium');
  let browser: unknown;
  try {
    browser = await browserRun(durationMs);
    o.log(`  ${JSON.stringify(browser)}`);
  } catch (error) {
    o.log(`  failed: ${failure(error).error}`);
    browser = failure(error);
  }
  o.log(`client-cost: catch-up of ${CATCH_UP_EVENTS.toLocaleString('en')} events, websocket vs polling`);
  let catchUp: unknown;
  try {
    const r = await catchUpRuns(o.quick ? 1 : 5);
    for (const row of r.rows)
      o.log(`  ${row.transport}: ${row.eventsPerSec.toLocaleString('en')} events/s (${row.ms} ms)`);
    catchUp = r;
  } catch (error) {
    o.log(`  failed: ${failure(error).error}`);
    catchUp = failure(error);
  }
  const jsonParseOnlyPerSec = jsonParseRate(o.quick ? 300 : 1_000);
  return {
    node,
    browser,
    catchUp,
    jsonParseOnlyPerSec,
    eventBytes: round(JSON.stringify(workflowEvent('run:cost', 0)).length, 0),
  };
}
