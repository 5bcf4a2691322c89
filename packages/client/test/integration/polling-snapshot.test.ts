import { applyStateOps, type JsonValue, type StateBody, type StateOp } from '@herald/protocol';
import { range, startTestHub, type TestHub, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import type { HeraldClient } from '../../src/types.js';
import { FAST } from './helpers.js';

// A state subscription over the polling transport (the fallback where WebSockets are blocked): GET /state
// first, then history after the snapshot's seq, against a real hub whose history was trimmed.

let hub: TestHub | undefined;
let client: HeraldClient | undefined;
afterEach(async () => {
  client?.close();
  await hub?.close();
  hub = client = undefined;
});

const CHANNEL = 'job:polled';
const opsOf = (n: number): StateOp[] => [
  { op: 'increment', path: '/count', value: 1 },
  { op: 'append', path: '/text', value: `${n};` },
];

function fold(from: JsonValue, ns: readonly number[]): JsonValue {
  return ns.reduce<JsonValue>((doc, n) => {
    const r = applyStateOps(doc, opsOf(n));
    if (!r.ok) throw new Error(r.error.message);
    return r.state;
  }, from);
}

const publish = (h: TestHub, ns: readonly number[]) =>
  h.publish(
    CHANNEL,
    ns.map((n) => ({ type: 'tick', data: { n }, id: `e${n}`, state: opsOf(n) })),
  );

/** A polling client's raw state subscriber: its snapshots, the seqs after them, gaps and its own fold. */
function stateSubscriber(h: TestHub, pollIntervalMs: number) {
  client = createClient({ url: h.url, ...FAST, transports: ['polling'], pollIntervalMs });
  const seen = {
    snapshots: [] as StateBody[],
    seqs: [] as number[],
    gaps: [] as unknown[],
    local: {} as JsonValue,
  };
  client.subscribe(CHANNEL, {
    snapshot: true,
    onSnapshot: (s) => {
      seen.snapshots.push(s);
      seen.local = s.state;
    },
    onEvent: (e) => {
      seen.seqs.push(e.seq);
      const r = applyStateOps(seen.local, e.state ?? []);
      if (!r.ok) throw new Error(r.error.message);
      seen.local = r.state;
    },
    onGap: (g) => seen.gaps.push(g),
  });
  return seen;
}

async function hubState(h: TestHub): Promise<StateBody> {
  return (await (await fetch(`${h.url}/v1/channels/${CHANNEL}/state`)).json()) as StateBody;
}

describe('a state subscription over polling', () => {
  it('starts from the snapshot of a trimmed channel, then receives exactly the events after it', async () => {
    hub = await startTestHub({ sqlite: true, retention: { maxCount: 100 } });
    const first = range(1, 300);
    for (let i = 0; i < first.length; i += 100) await publish(hub, first.slice(i, i + 100));
    const page = (await (await fetch(`${hub.url}/v1/channels/${CHANNEL}/events?after=0`)).json()) as {
      firstSeq: number;
    };
    expect(page.firstSeq).toBeGreaterThan(200); // history no longer holds the start of the run

    const seen = stateSubscriber(hub, 100);
    await waitFor(() => seen.snapshots.length === 1);
    expect(seen.snapshots[0]).toMatchObject({ channel: CHANNEL, seq: 300, state: fold({}, first) });

    const more = range(301, 350);
    for (const n of more) await publish(hub, [n]);
    await waitFor(() => seen.seqs.length === 50, { timeoutMs: 10_000 });
    expect(seen.seqs).toEqual(more);
    expect(seen.gaps).toEqual([]);
    expect(seen.snapshots).toHaveLength(1);
    const body = await hubState(hub);
    expect(body.seq).toBe(350);
    expect(seen.local).toEqual(body.state);
    expect(seen.local).toEqual(fold({}, [...first, ...more]));
  });
});

describe('a polling state subscriber that falls behind retention', () => {
  it('gets a fresh snapshot instead of a gap, and ends with the hub’s state', async () => {
    // History keeps 20 events; 60 arrive between two polls, so the next page starts past the position.
    hub = await startTestHub({ sqlite: true, retention: { maxCount: 20 } });
    await publish(hub, [1, 2, 3]);
    const seen = stateSubscriber(hub, 1500);
    await waitFor(() => seen.snapshots.length === 1);
    expect(seen.snapshots[0]?.seq).toBe(3);
    const burst = range(4, 63);
    await publish(hub, burst);
    await waitFor(() => seen.snapshots.length === 2, { timeoutMs: 10_000 });
    expect(seen.snapshots[1]?.seq).toBe(63);
    expect(seen.gaps).toEqual([]);
    expect(seen.seqs.every((seq) => seq > 3)).toBe(true);
    await publish(hub, [64, 65]);
    await waitFor(() => seen.seqs.includes(65), { timeoutMs: 10_000 });
    expect(seen.seqs.slice(-2)).toEqual([64, 65]);
    const body = await hubState(hub);
    expect(body.seq).toBe(65);
    expect(seen.local).toEqual(body.state);
    expect(seen.local).toEqual(fold({}, range(1, 65)));
  });
});
