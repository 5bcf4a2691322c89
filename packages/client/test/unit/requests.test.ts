import { describe, expect, it } from 'vitest';
import { createOutbox, DEFAULT_OUTBOX } from '../../src/outbox.js';
import { createRequests } from '../../src/requests.js';
import { createTrack } from '../../src/subscriptions.js';

describe('pending requests', () => {
  it('hands each reply the request it answers, by kind, once', async () => {
    const requests = createRequests();
    const track = createTrack('c', undefined);
    const outbox = createOutbox(
      DEFAULT_OUTBOX,
      null,
      () => 0,
      () => {},
    );
    void outbox.push('c', 't', 1, 'id1').catch(() => {});
    const [item] = outbox.take();
    const s = requests.add({ kind: 'subscribe', track });
    const p = requests.add({ kind: 'publish', item: item! });
    expect(s).not.toBe(p);
    expect(requests.take(p)).toEqual({ kind: 'publish', item });
    expect(requests.take(p)).toBeUndefined(); // a second reply finds nothing
    expect(requests.take(s)).toEqual({ kind: 'subscribe', track });
    expect(requests.take(undefined)).toBeUndefined();
    outbox.close();
  });

  it('gives requests without bookkeeping rids that never collide, and forgets all on clear', () => {
    const requests = createRequests();
    const track = createTrack('c', undefined);
    const rid = requests.add({ kind: 'subscribe', track });
    const others = [requests.rid('u'), requests.rid('r'), requests.rid('u')];
    expect(new Set([rid, ...others]).size).toBe(4);
    expect(requests.take(others[0])).toBeUndefined(); // not pending: its reply settles nothing
    requests.clear();
    expect(requests.take(rid)).toBeUndefined();
  });
});
