import { ErrorCode, HeraldError } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { createOutbox, DEFAULT_OUTBOX } from '../../src/outbox.js';
import type { OutboxEvent, OutboxOptions, StorageLike } from '../../src/types.js';

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

function setup(options: Partial<OutboxOptions> = {}, storage: StorageLike | null = null) {
  let time = 0;
  const notes: OutboxEvent[] = [];
  const outbox = createOutbox(
    { ...DEFAULT_OUTBOX, ...options },
    storage,
    () => time,
    (e) => notes.push(e),
  );
  return { outbox, notes, advance: (ms: number) => (time += ms) };
}

const ack = (id: string, seq: number) => ({ channel: 'c', id, seq, duplicate: false });

describe('outbox', () => {
  it('keeps FIFO order and settles promises with acks', async () => {
    const { outbox, notes } = setup();
    const p1 = outbox.push('c', 't', 1, 'a');
    const p2 = outbox.push('c', 't', 2, 'b');
    const batch = outbox.take();
    expect(batch.map((i) => i.id)).toEqual(['a', 'b']);
    expect(outbox.take()).toEqual([]); // in flight: not taken twice
    outbox.settle(batch[0]!, ack('a', 1));
    outbox.settle(batch[1]!, ack('b', 2));
    await expect(p1).resolves.toEqual(ack('a', 1));
    await expect(p2).resolves.toEqual(ack('b', 2));
    expect(outbox.size()).toBe(0);
    expect(notes.map((n) => `${n.id}:${n.status}`)).toEqual(['a:queued', 'b:queued', 'a:acked', 'b:acked']);
  });

  it('resends unacked messages after reset, in order', () => {
    const { outbox } = setup();
    void outbox.push('c', 't', 1, 'a');
    void outbox.push('c', 't', 2, 'b');
    outbox.take();
    outbox.reset();
    expect(outbox.take().map((i) => [i.id, i.tries])).toEqual([
      ['a', 2],
      ['b', 2],
    ]);
  });

  it('drop-oldest: evicts the oldest with ERR_OUTBOX_FULL', async () => {
    const { outbox, notes } = setup({ maxSize: 2 });
    const p1 = outbox.push('c', 't', 1, 'a');
    void outbox.push('c', 't', 2, 'b');
    void outbox.push('c', 't', 3, 'c');
    await expect(p1).rejects.toMatchObject({ code: ErrorCode.OutboxFull });
    expect(outbox.take().map((i) => i.id)).toEqual(['b', 'c']);
    expect(notes.find((n) => n.status === 'dropped')?.id).toBe('a');
  });

  it('drop-newest and reject: refuse the new message with ERR_OUTBOX_FULL', async () => {
    for (const overflow of ['drop-newest', 'reject'] as const) {
      const { outbox } = setup({ maxSize: 1, overflow });
      void outbox.push('c', 't', 1, 'a');
      await expect(outbox.push('c', 't', 2, 'b')).rejects.toMatchObject({ code: ErrorCode.OutboxFull });
      expect(outbox.take().map((i) => i.id)).toEqual(['a']);
    }
  });

  it('expires messages past their TTL with ERR_OUTBOX_EXPIRED', async () => {
    const { outbox, advance } = setup({ ttlMs: 1000 });
    const p = outbox.push('c', 't', 1, 'a');
    advance(999);
    void outbox.push('c', 't', 2, 'b');
    advance(1);
    expect(outbox.take().map((i) => i.id)).toEqual(['b']);
    await expect(p).rejects.toMatchObject({ code: ErrorCode.OutboxExpired });
  });

  it('gives up after maxRetries resends', async () => {
    const { outbox } = setup({ maxRetries: 2 });
    const p = outbox.push('c', 't', 1, 'a');
    for (let i = 0; i < 3; i++) {
      expect(outbox.take()).toHaveLength(1); // first send + 2 retries
      outbox.reset();
    }
    expect(outbox.take()).toHaveLength(0);
    await expect(p).rejects.toMatchObject({ code: ErrorCode.OutboxExpired });
    expect(outbox.size()).toBe(0);
  });

  it('rejects with a final error and ignores settling a removed message', async () => {
    const { outbox } = setup();
    const p = outbox.push('c', 't', 1, 'a');
    const [item] = outbox.take();
    outbox.settle(item!, new HeraldError(ErrorCode.Forbidden, 'no'));
    outbox.settle(item!, ack('a', 1));
    await expect(p).rejects.toMatchObject({ code: ErrorCode.Forbidden });
  });

  it('persists every change and restores it in a new outbox (reload)', async () => {
    const storage = memoryStorage();
    const first = setup({ storageKey: 'k' }, storage);
    const lost = [first.outbox.push('c', 't', { n: 1 }, 'a'), first.outbox.push('c', 't', { n: 2 }, 'b')];
    for (const p of lost) p.catch(() => {}); // their promises die with the first client
    first.outbox.take();
    const saved = JSON.parse(storage.data.get('k')!);
    expect(saved.map((i: { id: string; tries: number }) => [i.id, i.tries])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    const closed = first.outbox.push('c', 't', 3, 'c');
    first.outbox.close();
    await expect(closed).rejects.toMatchObject({ code: ErrorCode.ClientClosed });
    expect(storage.data.has('k')).toBe(true); // closing keeps stored messages for the next client

    const second = setup({ storageKey: 'k' }, storage);
    expect(second.outbox.size()).toBe(3);
    const batch = second.outbox.take();
    expect(batch.map((i) => [i.id, i.data])).toEqual([
      ['a', { n: 1 }],
      ['b', { n: 2 }],
      ['c', 3],
    ]);
    for (const item of batch) second.outbox.settle(item, ack(item.id, 1));
    expect(second.notes.filter((n) => n.status === 'acked')).toHaveLength(3);
    expect(storage.data.has('k')).toBe(false);
  });

  it('survives corrupt or failing storage', () => {
    const bad: StorageLike = {
      getItem: () => '{not json',
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => {},
    };
    const { outbox } = setup({}, bad);
    expect(outbox.size()).toBe(0);
    void outbox.push('c', 't', 1, 'a');
    expect(outbox.size()).toBe(1);
    const notArray: StorageLike = { ...bad, getItem: () => '{"a":1}' };
    expect(setup({}, notArray).outbox.size()).toBe(0);
  });
});
