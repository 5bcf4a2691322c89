import {
  applyStateOps,
  EMPTY_STATE,
  type Envelope,
  type JsonValue,
  type SnapshotMessage,
  type StateBody,
  type StateOp,
} from '@herald/protocol';
import { http, startTestHub, TestClient, type TestHub, type TestHubOptions } from '@herald/testing';
import { expect } from 'vitest';

/**
 * The fold of `opsList` from `from` (default `{}`), computed with the protocol's applyStateOps (what the hub
 * must hold).
 */
export function foldAll(
  opsList: Iterable<readonly StateOp[] | undefined>,
  from: JsonValue = EMPTY_STATE,
): JsonValue {
  let doc = from;
  for (const ops of opsList) {
    if (ops === undefined) continue;
    const r = applyStateOps(doc, ops);
    if (!r.ok) throw new Error(r.error.message);
    doc = r.state;
  }
  return doc;
}

/** The state a snapshot subscriber holds: the snapshot folded with the events after it. */
export function foldFrom(snapshot: SnapshotMessage, events: readonly Envelope[]): JsonValue {
  return foldAll(
    events.map((e) => e.state),
    snapshot.state,
  );
}

/** The `snapshot` messages a test client received for `channel`. */
export function snapshotsOf(c: TestClient, channel: string): SnapshotMessage[] {
  return c.messages.filter(
    (m): m is SnapshotMessage => m.type === 'snapshot' && (m as SnapshotMessage).channel === channel,
  );
}

/** What one test opened (hubs, clients, processes), closed in reverse order by `close()` after the test. */
export interface TestScope {
  /** A test hub, closed after the test. */
  hub(options?: TestHubOptions): Promise<TestHub>;
  /** A connected test client, closed after the test. */
  client(url: string): Promise<TestClient>;
  /** Runs `fn` after the test, before what was opened earlier. */
  defer(fn: () => Promise<unknown> | unknown): void;
  close(): Promise<void>;
}

/** A scope for a test file: call `close` in `afterEach`. */
export function testScope(): TestScope {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  return {
    async hub(options = {}) {
      const t = await startTestHub(options);
      cleanups.push(() => t.close());
      return t;
    },
    async client(url) {
      const c = await TestClient.connect(url);
      cleanups.push(() => c.close());
      return c;
    },
    defer(fn) {
      cleanups.push(fn);
    },
    async close() {
      for (const fn of cleanups.splice(0).reverse()) await fn();
    },
  };
}

/** `GET /v1/channels/{channel}/state` on a hub at `target.url`: must answer 200, never cached. */
export async function getState(target: { readonly url: string }, channel: string): Promise<StateBody> {
  const res = await http(`${target.url}/v1/channels/${channel}/state`);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return res.body as StateBody;
}
