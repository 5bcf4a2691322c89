import type { Socket } from 'node:net';
import { CloseCode, type JsonValue } from '@herald/protocol';
import { range, startTestHub, TestClient, type TestHub, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { HubOptions } from '../src/index.js';
import { DEFAULT_COMPRESSION, perMessageDeflateOf, resolveCompression } from '../src/ws/compression.js';

const hubs: TestHub[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const h of hubs.splice(0)) await h.close();
});

async function hub(options: HubOptions): Promise<TestHub> {
  const h = await startTestHub(options);
  hubs.push(h);
  return h;
}

async function connect(h: TestHub): Promise<TestClient> {
  const c = await TestClient.connect(h.wsUrl); // the `ws` package: offers permessage-deflate by default
  clients.push(c);
  return c;
}

const socketOf = (c: TestClient): WebSocket => c.ws as WebSocket;
/** Bytes that came in over TCP: what the hub put on the wire, frame headers and compression included. */
const wireBytes = (c: TestClient): number =>
  (socketOf(c) as unknown as { _socket: Socket })._socket.bytesRead;

/** A realistic workflow event (about 400 bytes of JSON). */
function workflowEvent(n: number): { type: string; data: JsonValue; id: string } {
  return {
    type: 'node.end',
    id: `ev-${n}`,
    data: {
      run_id: 'run:zip',
      node: ['PLAN', 'STYLE', 'LYRICS', 'PRODUCER'][n % 4] ?? 'PLAN',
      phase: 'end',
      attempt: 1,
      duration_ms: 1000 + ((n * 37) % 900),
      metrics: { rhyme_density: 0.82, syllable_variance: 0.14, tokens: 800 + (n % 50) },
      scores: { hook: 0.91, coherence: 0.88 },
      issues: [],
      artifacts: [{ kind: 'lyrics', uri: `s3://meatymusic-artifacts/run:zip/lyrics.v${n}.json` }],
    },
  };
}

/**
 * 300 events stored before the subscriber joins (replayed in large frames), then 200 published one at a
 * time while it is live (one event per frame). Returns the seqs it got and the wire bytes it read.
 */
async function replayThenLive(h: TestHub): Promise<{ seqs: number[]; bytes: number; c: TestClient }> {
  for (let from = 1; from <= 300; from += 100)
    await h.publish('run:zip', range(from, from + 99).map(workflowEvent));
  const c = await connect(h);
  await c.subscribe('run:zip', { seq: 0 });
  await waitFor(() => c.events('run:zip').length === 300);
  for (let n = 301; n <= 500; n++) {
    await h.publish('run:zip', [workflowEvent(n)]);
    await waitFor(() => c.events('run:zip').length === n, { intervalMs: 1 });
  }
  return { seqs: c.events('run:zip').map((e) => e.seq), bytes: wireBytes(c), c };
}

describe('permessage-deflate options', () => {
  it('is off by default; true takes the defaults, a partial object fills in the rest, bad values throw', () => {
    expect(resolveCompression(undefined)).toBeNull();
    expect(resolveCompression(false)).toBeNull();
    expect(resolveCompression(true)).toEqual(DEFAULT_COMPRESSION);
    expect(resolveCompression({ threshold: 0 })).toEqual({ ...DEFAULT_COMPRESSION, threshold: 0 });
    expect(() => resolveCompression({ level: 0 })).toThrow(
      /compression\.level must be an integer from 1 to 9/,
    );
    expect(() => resolveCompression({ windowBits: 16 })).toThrow(/compression\.windowBits/);
    expect(() => resolveCompression({ threshold: -1 })).toThrow(/compression\.threshold/);
    expect(perMessageDeflateOf(null)).toBe(false);
    expect(perMessageDeflateOf(DEFAULT_COMPRESSION)).toMatchObject({
      threshold: 256,
      serverMaxWindowBits: 11,
      zlibDeflateOptions: { level: 1 },
    });
  });

  it('a hub rejects a bad compression option at start', async () => {
    await expect(startTestHub({ compression: { level: 12 } })).rejects.toThrow(RangeError);
  });
});

describe('permessage-deflate on a live hub', () => {
  it('negotiated, delivers exactly 1..N, replayed and live, in far fewer wire bytes than without', async () => {
    const plain = await replayThenLive(await hub({}));
    const zipped = await replayThenLive(await hub({ compression: true }));
    expect(socketOf(plain.c).extensions).toBe('');
    expect(socketOf(zipped.c).extensions).toMatch(/^permessage-deflate/);
    expect(plain.seqs).toEqual(range(1, 500));
    expect(zipped.seqs).toEqual(range(1, 500));
    // Measured about 0.1 here: consecutive events repeat their keys, and the window carries them over.
    expect(zipped.bytes).toBeLessThan(plain.bytes / 4);
    // herald_sent_bytes_total counts what the hub framed, before compression: the same JSON either way.
    const sent = (h: TestHub) => Number(/^herald_sent_bytes_total (\d+)$/m.exec(h.metricsText())?.[1]);
    const [plainHub, zippedHub] = hubs as [TestHub, TestHub];
    expect(sent(zippedHub)).toBeGreaterThan(zipped.bytes * 4);
    expect(Math.abs(sent(zippedHub) - sent(plainHub)) / sent(plainHub)).toBeLessThan(0.05);
  });

  it('leaves small frames (pings, replies) under the threshold uncompressed, and they still arrive', async () => {
    const h = await hub({ compression: { threshold: 100_000 }, heartbeatMs: 50 });
    const { bytes, seqs, c } = await replayThenLive(h);
    expect(seqs).toEqual(range(1, 500));
    await c.waitFor((m) => m.type === 'ping');
    // Nothing reaches 100 kB in one frame here but the replay, so the live events went out plain.
    const plain = await replayThenLive(await hub({}));
    expect(bytes).toBeGreaterThan(plain.bytes * 0.5);
  });

  it('inflates compressed client frames, and limits a frame by its inflated size', async () => {
    const h = await hub({ compression: true, limits: { maxFrameBytes: 4096 } });
    const c = await connect(h);
    const ws = socketOf(c);
    // ws compresses a client message of 1 KiB or more: this publish arrives compressed.
    const big = {
      type: 'publish',
      rid: 'p1',
      channel: 'run:in',
      event: { type: 't', data: 'x'.repeat(3000) },
    };
    c.send(big);
    await c.waitFor((m) => m.type === 'ack' && m.rid === 'p1');
    // 64 kB of one letter compresses to a few hundred bytes on the wire; inflated it is over the limit.
    await new Promise<void>((resolve, reject) =>
      ws.send(
        JSON.stringify({
          type: 'publish',
          rid: 'p2',
          channel: 'run:in',
          event: { type: 't', data: 'y'.repeat(65_536) },
        }),
        { compress: true },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
    const closed = await c.closed();
    expect(closed.code).toBe(CloseCode.MessageTooBig);
    expect((await h.publish('run:in', [{ type: 't', data: 1 }])).results[0]?.seq).toBe(2);
  });
});
