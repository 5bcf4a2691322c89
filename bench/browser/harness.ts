/**
 * Browser side of the client-cost scenario: bundled with esbuild and loaded into headless Chromium. Counts
 * the events a real `@herald/client` dispatches from the frame pump.
 */
import { createClient } from '@herald/client';

/** What `window.heraldBench` offers to the page driver. */
export interface BrowserBench {
  /** Events/s through `@herald/client`. */
  run(wsUrl: string, durationMs: number): Promise<{ events: number; ms: number }>;
  /** Baseline: frames/s a bare WebSocket `onmessage` receives from the same pump (no parsing). */
  runRaw(wsUrl: string, durationMs: number): Promise<{ frames: number; ms: number }>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const bench: BrowserBench = {
  async run(wsUrl, durationMs) {
    let events = 0;
    const client = createClient({ url: wsUrl });
    const sub = client.subscribe('run:cost', {
      onEvent: () => {
        events++;
      },
    });
    const deadline = Date.now() + 15_000;
    while (events < 1_000 && Date.now() < deadline) await sleep(20);
    await sleep(300);
    const start = events;
    const t0 = performance.now();
    await sleep(durationMs);
    const ms = performance.now() - t0;
    const counted = events - start;
    sub.unsubscribe();
    client.close();
    return { events: counted, ms };
  },
  async runRaw(wsUrl, durationMs) {
    let frames = 0;
    const ws = new WebSocket(wsUrl, 'herald.v1');
    ws.onopen = () => ws.send('{"type":"hello"}');
    ws.onmessage = () => {
      frames++;
      if (frames === 1) ws.send('{"type":"subscribe","rid":"1","channel":"run:cost"}');
    };
    const deadline = Date.now() + 15_000;
    while (frames < 100 && Date.now() < deadline) await sleep(20);
    await sleep(300);
    const start = frames;
    const t0 = performance.now();
    await sleep(durationMs);
    const ms = performance.now() - t0;
    const counted = frames - start;
    ws.close();
    return { frames: counted, ms };
  },
};

(globalThis as unknown as { heraldBench: BrowserBench }).heraldBench = bench;
