import type { Envelope, JsonValue } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import type { LocalItem } from '../src/optimistic/local-items.js';
import { type KeyOf, mergeFeed } from '../src/optimistic/merge-feed.js';

const event = (seq: number, id: string, data: JsonValue, type = 'goal.created'): Envelope => ({
  channel: 'goals:t',
  seq,
  id,
  ts: `2026-12-01T10:00:${String(seq).padStart(2, '0')}.000Z`,
  type,
  data,
});

const local = (id: string, data: JsonValue, extra: Partial<LocalItem> = {}): LocalItem => ({
  id,
  type: 'goal.created',
  data,
  insertedAt: 1000,
  afterSeq: 0,
  seq: null,
  restored: false,
  ...extra,
});

const never = () => null;
const byGoal: KeyOf = (e) => (e.data as { goal?: string } | null)?.goal;
const rows = (items: readonly { key: string; id: string; pending: boolean; seq: number | null }[]) =>
  items.map((i) => `${i.key}/${i.id}/${i.pending ? 'pending' : (i.seq ?? 'acked')}`);

describe('mergeFeed (pure)', () => {
  it('puts pending items after the events, in insertion order, and replaces each by its event', () => {
    const events = [event(1, 'a', { n: 1 }), event(2, 'b', { n: 2 })];
    const locals = [local('x', { n: 3 }), local('y', { n: 4 })];
    const first = mergeFeed(events, locals, undefined, never);
    expect(rows(first.items)).toEqual(['a/a/1', 'b/b/2', 'x/x/pending', 'y/y/pending']);
    expect(first.reconciled).toEqual([]);

    const later = mergeFeed([...events, event(3, 'x', { n: 3 })], locals, undefined, never);
    expect(rows(later.items)).toEqual(['a/a/1', 'b/b/2', 'x/x/3', 'y/y/pending']);
    expect(later.reconciled.map((l) => l.id)).toEqual(['x']);
    expect(later.items[2]?.event?.seq).toBe(3);
  });

  it('sorts an acknowledged local item by its seq among the events', () => {
    const events = [event(1, 'a', null), event(3, 'c', null)];
    const merged = mergeFeed(events, [local('b', null, { seq: 2 }), local('d', null)], undefined, never);
    expect(rows(merged.items)).toEqual(['a/a/1', 'b/b/2', 'c/c/3', 'd/d/pending']);
    expect(merged.items[1]?.pending).toBe(false);
  });

  it('with keyOf: one item per entity, first position, newest content, counting updates', () => {
    const events = [
      event(1, 'e1', { goal: 'g1', title: 'v1' }),
      event(2, 'e2', { goal: 'g2', title: 'other' }),
      event(3, 'e3', { goal: 'g1', title: 'v2' }, 'goal.updated'),
    ];
    const merged = mergeFeed(events, [], byGoal, never);
    expect(rows(merged.items)).toEqual(['g1/e3/3', 'g2/e2/2']);
    expect(merged.items[0]?.data).toEqual({ goal: 'g1', title: 'v2' });
    expect(merged.items[0]?.updates).toBe(1);
  });

  it('with keyOf: a newer local item takes its entity’s place; a newer event about it supersedes it', () => {
    const events = [event(1, 'e1', { goal: 'g1', title: 'old' })];
    const edit = local('mine', { goal: 'g1', title: 'edited' }, { afterSeq: 1 });
    const pending = mergeFeed(events, [edit], byGoal, never);
    expect(rows(pending.items)).toEqual(['g1/mine/pending']);
    expect(pending.items[0]?.data).toEqual({ goal: 'g1', title: 'edited' });

    // Someone else's later event about g1 (seq 2 > afterSeq 1) wins; the local copy is hidden.
    const later = [...events, event(2, 'theirs', { goal: 'g1', title: 'theirs' })];
    expect(rows(mergeFeed(later, [edit], byGoal, never).items)).toEqual(['g1/theirs/2']);
  });

  it('with keyOf: an entity created elsewhere before the local item’s own event is still one item', () => {
    const mine = local('mine', { goal: 'g9', title: 'Launch' });
    const echoed = [event(1, 'backend', { goal: 'g9', title: 'Launch (server)' })];
    const merged = mergeFeed(echoed, [mine], byGoal, never);
    expect(rows(merged.items)).toEqual(['g9/backend/1']);
    const both = mergeFeed(
      [...echoed, event(2, 'mine', { goal: 'g9', title: 'Launch' })],
      [mine],
      byGoal,
      never,
    );
    expect(rows(both.items)).toEqual(['g9/mine/2']);
    expect(both.reconciled.map((l) => l.id)).toEqual(['mine']);
  });

  it('reports receipt times for live events and insertion times for local items', () => {
    const times = new Map([['a', 500]]);
    const merged = mergeFeed(
      [event(1, 'a', null), event(2, 'h', null)],
      [local('x', null, { insertedAt: 900 })],
      undefined,
      (id) => times.get(id) ?? null,
    );
    expect(merged.items.map((i) => i.receivedAt)).toEqual([500, null, 900]);
  });
});
