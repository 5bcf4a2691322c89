/**
 * Client-cost process (forked by scenarios/client-cost.ts): a real `@herald/client` over `ws`, subscribed
 * to the frame pump, counting the events it dispatches to `onEvent`; and the same client catching up on a
 * real hub's history over WebSocket or HTTP polling.
 */
import { createClient, type HubTransportName, type WebSocketConstructorLike } from '@herald/client';
import { WebSocket } from 'ws';
import { sleep, waitUntil } from '../lib/clock.js';
import { startCpuMeter } from '../lib/cpu.js';
import { serveRpc } from '../lib/rpc.js';

interface CatchUpParams {
  readonly url: string;
  readonly channel: string;
  readonly transport: HubTransportName;
  /** Events in the channel's history; the client subscribes from seq 0 and waits for the last one. */
  readonly events: number;
}

/** Subscribes from seq 0 to a channel `events` behind and times delivery of the whole backlog. */
async function catchUp(p: CatchUpParams) {
  const client = createClient({
    url: p.url,
    WebSocket: WebSocket as unknown as WebSocketConstructorLike,
    transports: [p.transport],
    pollIntervalMs: 2000,
  });
  let delivered = 0;
  let inOrder = true;
  const stop = startCpuMeter();
  const sub = client.subscribe(p.channel, {
    since: { seq: 0 },
    onEvent: (e) => {
      if (e.seq !== ++delivered) inOrder = false;
    },
  });
  try {
    await waitUntil(() => delivered >= p.events, 60_000, `${p.transport} catch-up of ${p.events} events`, 2);
    const cpu = stop();
    const stats = client.stats();
    return {
      transport: p.transport,
      events: delivered,
      inOrder,
      ms: cpu.wallMs,
      eventsPerSec: Math.round(delivered / (cpu.wallMs / 1000)),
      catchUpPolls: stats.catchUpPolls,
      cpu,
    };
  } finally {
    sub.unsubscribe();
    client.close();
  }
}

serveRpc({
  catchUp,
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
