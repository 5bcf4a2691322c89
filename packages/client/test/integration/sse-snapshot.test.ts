import { applyStateOps, type JsonValue, type StateBody, type StateOp } from '@herald/protocol';
import {
  createFaultProxy,
  type FaultProxy,
  range,
  startTestHub,
  type TestHub,
  waitFor,
} from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import type { HeraldClient } from '../../src/types.js';
import { FAST } from './helpers.js';

// A state subscription over SSE: the stream starts with the hub's `event: snapshot`, then exactly the events
// after it; a reconnect resumes from the position, or gets a fresh snapshot when history no longer covers it.

let hub: TestHub | undefined;
let proxy: FaultProxy | undefined;
let client: HeraldClient | undefined;
afterEach(async () => {
  client?.close();
  await proxy?.close();
  await hub?.close();
  hub = client = proxy = undefined;
});

const CHANNEL = 'job:streamed';
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

/** An SSE client's raw state subscriber through `url`: its snapshots, the seqs after them, gaps, its fold. */
function stateSubscriber(url: string) {
  client = createClient({ url, ...FAST, transports: ['sse'] });
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

const hubState = async (h: TestHub) =>
  (await (await fetch(`${h.url}/v1/channels/${CHANNEL}/state`)).json()) as StateBody;

describe('a state subscription over SSE', () => {
  it('starts from the snapshot of a trimmed channel and resumes across a cut without a new snapshot', async () => {
    hub = await startTestHub({ sqlite: true, retention: { maxCount: 100 } });
    proxy = await createFaultProxy({ targetPort: hub.port });
    const first = range(1, 300);
    for (let i = 0; i < first.length; i += 100) await publish(hub, first.slice(i, i + 100));

    const seen = stateSubscriber(proxy.url);
    await waitFor(() => seen.snapshots.length === 1);
    expect(seen.snapshots[0]).toMatchObject({ channel: CHANNEL, seq: 300, state: fold({}, first) });
    expect(client?.getStatus().transport).toBe('sse');
    await publish(hub, range(301, 320));
    await waitFor(() => seen.seqs.length === 20);
    proxy.cutAll();
    const more = range(321, 350);
    for (const n of more) await publish(hub, [n]);
    await waitFor(() => seen.seqs.length === 50, { timeoutMs: 10_000 });
    expect(seen.seqs).toEqual(range(301, 350));
    expect(seen.snapshots).toHaveLength(1); // the cut resumed from the position: no second snapshot
    expect(seen.gaps).toEqual([]);
    const body = await hubState(hub);
    expect(body.seq).toBe(350);
    expect(seen.local).toEqual(body.state);
  });

  it('gets a fresh snapshot instead of a gap when history moved past its position while it was away', async () => {
    hub = await startTestHub({ sqlite: true, retention: { maxCount: 20 } });
    proxy = await createFaultProxy({ targetPort: hub.port });
    await publish(hub, [1, 2, 3]);
    const seen = stateSubscriber(proxy.url);
    await waitFor(() => seen.snapshots.length === 1);
    expect(seen.snapshots[0]?.seq).toBe(3);
    proxy.refuseNew(true);
    proxy.cutAll();
    await waitFor(() => client?.getStatus().state !== 'connected');
    await publish(hub, range(4, 63)); // retention keeps 20: seq 4 is gone before the client is back
    proxy.refuseNew(false);
    await waitFor(() => seen.snapshots.length === 2, { timeoutMs: 10_000 });
    expect(seen.snapshots[1]?.seq).toBe(63);
    expect(seen.gaps).toEqual([]);
    await publish(hub, [64, 65]);
    await waitFor(() => seen.seqs.includes(65), { timeoutMs: 10_000 });
    expect(seen.seqs).toEqual([64, 65]);
    expect(seen.local).toEqual(fold({}, range(1, 65)));
    expect(seen.local).toEqual((await hubState(hub)).state);
  });
});
