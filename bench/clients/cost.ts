/**
 * Client-cost process (forked by scenarios/client-cost.ts): a real `@herald/client` over `ws`, subscribed
 * to the frame pump, counting the events it dispatches to `onEvent`.
 */
import { createClient, type WebSocketConstructorLike } from '@herald/client';
import { WebSocket } from 'ws';
import { sleep, waitUntil } from '../lib/clock.js';
import { startCpuMeter } from '../lib/cpu.js';
import { serveRpc } from '../lib/rpc.js';

serveRpc({
  measure: async (p: { wsUrl: string; durationMs: number }) => {
    let events = 0;
    const client = createClient({
      url: p.wsUrl,
      WebSocket: WebSocket as unknown as WebSocketConstructorLike,
    });
    const sub = client.subscribe('run:cost', {
      onEvent: () => {
        events++;
      },
    });
    try {
      await waitUntil(() => events > 1_000, 15_000, 'first events reach onEvent');
      await sleep(300); // warm-up
      const stop = startCpuMeter();
      const start = events;
      await sleep(p.durationMs);
      const cpu = stop();
      const counted = events - start;
      return { events: counted, eventsPerSec: Math.round(counted / (cpu.wallMs / 1000)), cpu };
    } finally {
      sub.unsubscribe();
      client.close();
    }
  },
});
