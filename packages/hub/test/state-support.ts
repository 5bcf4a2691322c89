import {
  applyStateOps,
  EMPTY_STATE,
  type Envelope,
  type JsonValue,
  type SnapshotMessage,
  type StateOp,
} from '@herald/protocol';
import type { TestClient } from '@herald/testing';

/** The fold of `opsList` from `{}`, computed with the protocol's applyStateOps (what the hub must hold). */
export function foldAll(opsList: Iterable<readonly StateOp[] | undefined>): JsonValue {
  let doc = EMPTY_STATE;
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
  let doc = snapshot.state;
  for (const e of events) {
    if (e.state === undefined) continue;
    const r = applyStateOps(doc, e.state);
    if (!r.ok) throw new Error(r.error.message);
    doc = r.state;
  }
  return doc;
}

/** The `snapshot` messages a test client received for `channel`. */
export function snapshotsOf(c: TestClient, channel: string): SnapshotMessage[] {
  return c.messages.filter(
    (m): m is SnapshotMessage => m.type === 'snapshot' && (m as SnapshotMessage).channel === channel,
  );
}

/** One parsed SSE event. */
export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** Opens an SSE stream and parses its events as they arrive. */
export async function openSse(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const events: SseEvent[] = [];
  let buffer = '';
  const reading = (async () => {
    const reader = res.body?.getReader();
    if (!reader) return;
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const ev: SseEvent = {};
          for (const line of block.split('\n')) {
            const m = /^(id|event|data): (.*)$/.exec(line);
            if (m) ev[m[1] as keyof SseEvent] = m[2] ?? '';
          }
          if (ev.data !== undefined) events.push(ev);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Aborted.
    }
  })();
  return {
    res,
    events,
    async close() {
      abort.abort();
      await reading;
    },
  };
}
