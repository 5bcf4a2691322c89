import type { Envelope } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { acceptEvent, applySubscribed, createTrack, subscribeMessage } from '../../src/subscriptions.js';

const ev = (seq: number): Envelope => ({ channel: 'c', seq, id: `${seq}`, ts: '', type: 't', data: null });
const subscribed = (lastSeq: number, recovered: boolean, epoch = 'e1') =>
  ({ type: 'subscribed', rid: 'r', channel: 'c', epoch, lastSeq, recovered }) as const;

describe('subscriptions', () => {
  it('subscribes from now, then resumes from the delivered position', () => {
    const entry = createTrack('c', undefined);
    expect(subscribeMessage(entry, 'r1')).toEqual({ type: 'subscribe', rid: 'r1', channel: 'c' });
    expect(applySubscribed(entry, subscribed(5, true))).toBeNull();
    expect(entry.position).toEqual({ epoch: 'e1', seq: 5 });
    expect(acceptEvent(entry, ev(6))).toBe('deliver');
    expect(subscribeMessage(entry, 'r2')).toEqual({
      type: 'subscribe',
      rid: 'r2',
      channel: 'c',
      since: { epoch: 'e1', seq: 6 },
    });
    expect(entry.live).toBe(false);
  });

  it('delivers strictly in order: duplicates dropped, holes reported', () => {
    const entry = createTrack('c', { seq: 2 });
    applySubscribed(entry, subscribed(9, true));
    expect(entry.position).toEqual({ epoch: 'e1', seq: 2 });
    expect([3, 3, 2, 4, 6, 5].map((s) => acceptEvent(entry, ev(s)))).toEqual([
      'deliver',
      'duplicate',
      'duplicate',
      'deliver',
      'hole',
      'deliver',
    ]);
    expect(entry.position?.seq).toBe(5);
  });

  it('ignores events before subscribed and for unknown channels', () => {
    const entry = createTrack('c', undefined);
    expect(acceptEvent(entry, ev(1))).toBe('ignore');
    expect(acceptEvent(undefined, ev(1))).toBe('ignore');
  });

  it('raises a gap once with the last position when not recovered, then continues from lastSeq', () => {
    const entry = createTrack('c', undefined);
    applySubscribed(entry, subscribed(3, true));
    acceptEvent(entry, ev(4));
    subscribeMessage(entry, 'r2');
    expect(applySubscribed(entry, subscribed(10, false, 'e2'))).toEqual({
      channel: 'c',
      last: { epoch: 'e1', seq: 4 },
      epoch: 'e2',
      lastSeq: 10,
    });
    expect(entry.position).toEqual({ epoch: 'e2', seq: 10 });
    expect(applySubscribed(entry, subscribed(10, true, 'e2'))).toBeNull();
    expect(acceptEvent(entry, ev(11))).toBe('deliver');
  });

  it('reports the app-given since as the last position of a gap when it has an epoch', () => {
    expect(applySubscribed(createTrack('c', { seq: 1, epoch: 'old' }), subscribed(7, false))?.last).toEqual({
      epoch: 'old',
      seq: 1,
    });
    expect(applySubscribed(createTrack('c', { seq: 1 }), subscribed(7, false))?.last).toBeNull();
  });
});
