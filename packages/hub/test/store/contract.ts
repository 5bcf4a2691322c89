import {
  applyStateOps,
  EMPTY_STATE,
  ErrorCode,
  HeraldError,
  type JsonValue,
  type PublishInput,
  type StateOp,
} from '@herald/protocol';
import { waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreRuntimeOptions } from '../../src/store/retention.js';
import type { EventStore, RetentionOptions } from '../../src/store/types.js';

/** What the contract suite asks of a store under test. */
export interface StoreFactoryOptions extends StoreRuntimeOptions {
  readonly retention?: Partial<RetentionOptions>;
}

/** Options of the contract suite. */
export interface StoreContractOptions {
  /**
   * Opens a second store on the same data as `store` (after closing it), for stores that persist; the
   * state cases then check the state survives. Omit for in-memory stores.
   */
  readonly reopen?: (store: EventStore, options?: StoreFactoryOptions) => Promise<EventStore>;
  /** False for a store that keeps no channel state: the suite checks it refuses state instead. */
  readonly state?: boolean;
  /**
   * False for a store whose byte retention counts more than the payload (NATS JetStream's `max_bytes`
   * counts whole messages): the suite then checks the limit holds and the newest event stays, not exactly
   * which events are kept.
   */
  readonly exactBytes?: boolean;
}

/** Creates a fresh, empty store. The suite closes it after each test. */
export type StoreFactory = (options?: StoreFactoryOptions) => Promise<EventStore>;

const ev = (type: string, data: PublishInput['data'], id?: string): PublishInput =>
  id === undefined ? { type, data } : { type, data, id };

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 0, 1)) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

const st = (type: string, state: readonly StateOp[], id?: string): PublishInput =>
  id === undefined ? { type, data: null, state } : { type, data: null, state, id };

/** Expects `promise` to reject with a HeraldError of `code`. */
async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toSatisfy((e: unknown) => e instanceof HeraldError && e.code === code);
}

/** The fold of `opsList` from `{}`, computed with the protocol's applyStateOps. */
function foldAll(opsList: readonly (readonly StateOp[])[]): JsonValue {
  let doc = EMPTY_STATE;
  for (const ops of opsList) {
    const r = applyStateOps(doc, ops);
    if (!r.ok) throw new Error(r.error.message);
    doc = r.state;
  }
  return doc;
}

/** The behaviour every {@link EventStore} must show, run against each implementation. */
export function describeStoreContract(
  name: string,
  factory: StoreFactory,
  contract: StoreContractOptions = {},
): void {
  describe(`EventStore contract: ${name}`, () => {
    const open: EventStore[] = [];
    async function makeStore(options?: StoreFactoryOptions): Promise<EventStore> {
      const store = await factory(options);
      open.push(store);
      return store;
    }
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('assigns seqs from 1 without gaps and returns the stored envelopes', async () => {
      const clock = manualClock();
      const store = await makeStore({ now: clock.now });
      const a = await store.append('run:1', [ev('start', { n: 1 })]);
      clock.advance(5);
      const b = await store.append('run:1', [ev('progress', 0.5, 'p-1')]);
      expect(a.results).toEqual([{ id: expect.any(String), seq: 1, duplicate: false }]);
      expect(b.results).toEqual([{ id: 'p-1', seq: 2, duplicate: false }]);
      expect(a.stored).toEqual([
        {
          channel: 'run:1',
          seq: 1,
          id: a.results[0]?.id,
          ts: '2026-01-01T00:00:00.000Z',
          type: 'start',
          data: { n: 1 },
        },
      ]);
      expect(b.stored[0]?.ts).toBe('2026-01-01T00:00:00.005Z');
      const info = await store.info('run:1');
      expect(info).toMatchObject({ lastSeq: 2, firstSeq: 1 });
    });

    it('stores a batch in input order', async () => {
      const store = await makeStore();
      await store.append('c', [ev('x', 0)]);
      const r = await store.append('c', [ev('a', 1), ev('b', 2), ev('c', 3)]);
      expect(r.results.map((e) => e.seq)).toEqual([2, 3, 4]);
      expect(r.stored.map((e) => [e.seq, e.type, e.data])).toEqual([
        [2, 'a', 1],
        [3, 'b', 2],
        [4, 'c', 3],
      ]);
      const { events } = await store.read('c', 0, 100);
      expect(events.map((e) => e.type)).toEqual(['x', 'a', 'b', 'c']);
    });

    it('generates distinct ids for events published without one', async () => {
      const store = await makeStore();
      const r = await store.append('c', [ev('a', 1), ev('a', 1), ev('a', 1)]);
      expect(new Set(r.results.map((e) => e.id)).size).toBe(3);
    });

    it('stores an id once and answers repeats with the original seq', async () => {
      const store = await makeStore();
      await store.append('c', [ev('a', 1, 'e-1'), ev('b', 2, 'e-2')]);
      const again = await store.append('c', [ev('a', 'changed', 'e-1')]);
      expect(again.results).toEqual([{ id: 'e-1', seq: 1, duplicate: true }]);
      expect(again.stored).toEqual([]);
      const mixed = await store.append('c', [ev('b', 2, 'e-2'), ev('c', 3, 'e-3')]);
      expect(mixed.results).toEqual([
        { id: 'e-2', seq: 2, duplicate: true },
        { id: 'e-3', seq: 3, duplicate: false },
      ]);
      expect(mixed.stored.map((e) => e.id)).toEqual(['e-3']);
      const { info, events } = await store.read('c', 0, 100);
      expect(info.lastSeq).toBe(3);
      expect(events.map((e) => [e.id, e.data])).toEqual([
        ['e-1', 1],
        ['e-2', 2],
        ['e-3', 3],
      ]);
    });

    it('answers a publish with an id the store drew as a duplicate of that event', async () => {
      const store = await makeStore();
      const first = await store.append('c', [ev('a', 1), ev('b', 2)]);
      const drawn = first.results.map((r) => r.id);
      const again = await store.append('c', [ev('b', 'changed', drawn[1]), ev('c', 3)]);
      expect(again.results).toEqual([
        { id: drawn[1], seq: 2, duplicate: true },
        { id: expect.any(String), seq: 3, duplicate: false },
      ]);
      const { events } = await store.read('c', 0, 100);
      expect(events.map((e) => [e.id, e.data])).toEqual([
        [drawn[0], 1],
        [drawn[1], 2],
        [again.results[1]?.id, 3],
      ]);
    });

    it('answers a supplied id of the drawn form, repeated in one batch or resent later, with its first seq', async () => {
      const store = await makeStore();
      const lookalike = 'h-00000000-0000-4000-8000-000000000000';
      const first = await store.append('c', [ev('a', 1, lookalike), ev('b', 2), ev('a', 1, lookalike)]);
      expect(first.results).toEqual([
        { id: lookalike, seq: 1, duplicate: false },
        { id: expect.any(String), seq: 2, duplicate: false },
        { id: lookalike, seq: 1, duplicate: true },
      ]);
      const later = await store.append('c', [ev('c', 3, lookalike)]);
      expect(later.results).toEqual([{ id: lookalike, seq: 1, duplicate: true }]);
      expect((await store.info('c')).lastSeq).toBe(2);
    });

    it('stores an id repeated within one batch once', async () => {
      const store = await makeStore();
      const r = await store.append('c', [ev('a', 1, 'dup'), ev('b', 2), ev('a', 1, 'dup')]);
      expect(r.results).toEqual([
        { id: 'dup', seq: 1, duplicate: false },
        { id: expect.any(String), seq: 2, duplicate: false },
        { id: 'dup', seq: 1, duplicate: true },
      ]);
      expect(r.stored.map((e) => e.seq)).toEqual([1, 2]);
      expect((await store.info('c')).lastSeq).toBe(2);
    });

    it('reads after a seq with a limit', async () => {
      const store = await makeStore();
      await store.append(
        'c',
        Array.from({ length: 10 }, (_, i) => ev('t', i)),
      );
      const first = await store.read('c', 0, 3);
      expect(first.events.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(first.info).toMatchObject({ lastSeq: 10, firstSeq: 1 });
      expect((await store.read('c', 7, 100)).events.map((e) => e.seq)).toEqual([8, 9, 10]);
      expect((await store.read('c', 4, 2)).events.map((e) => e.data)).toEqual([4, 5]);
      expect((await store.read('c', 10, 100)).events).toEqual([]);
      expect((await store.read('c', 50, 100)).events).toEqual([]);
      expect((await store.read('c', 0, 0)).events).toEqual([]);
      const [e] = (await store.read('c', 0, 1)).events;
      expect(e).toEqual({
        channel: 'c',
        seq: 1,
        id: expect.any(String),
        ts: expect.any(String),
        type: 't',
        data: 0,
      });
      expect(new Date(e?.ts ?? '').toISOString()).toBe(e?.ts);
    });

    it('round-trips any JSON payload', async () => {
      const store = await makeStore();
      const payloads: PublishInput['data'][] = [
        null,
        true,
        0,
        -1.5,
        'text with "quotes" and ünïcödé',
        [],
        [1, 'two', { three: [3] }],
        { nested: { deep: { list: [null, false] } }, empty: {} },
      ];
      await store.append(
        'json',
        payloads.map((data) => ev('p', data)),
      );
      const { events } = await store.read('json', 0, 100);
      expect(events.map((e) => e.data)).toEqual(payloads);
    });

    it('answers a channel never written as empty, in the epoch its first append stores', async () => {
      const store = await makeStore();
      const info = await store.info('never:published');
      expect(info.lastSeq).toBe(0);
      expect(info.firstSeq).toBe(1);
      expect(typeof info.epoch).toBe('string');
      expect(info.epoch.length).toBeGreaterThan(0);
      expect(info.epoch.length).toBeLessThanOrEqual(64);
      expect(await store.info('never:published')).toEqual(info);
      const read = await store.read('never:published', 0, 10);
      expect(read).toEqual({ info, events: [] });
      expect(await store.read('never:published', 5, 10, 1)).toEqual({ info, events: [] });
      if (contract.state !== false) {
        expect(await store.state('never:published')).toEqual({ epoch: info.epoch, seq: 0, state: {} });
      }
      await store.append('never:published', [ev('a', 1)]);
      expect(await store.info('never:published')).toEqual({ epoch: info.epoch, lastSeq: 1, firstSeq: 1 });
      // Another name has its own epoch story but the same empty answer.
      expect(await store.info('never:published:2')).toMatchObject({ lastSeq: 0, firstSeq: 1 });
    });

    if (contract.reopen !== undefined) {
      const reopen = contract.reopen;
      it('answers a never-written channel in the same epoch after a restart, and stores that one', async () => {
        const first = await makeStore();
        await first.append('other', [ev('a', 1)]);
        const before = await first.info('empty:until:later');
        const second = await reopen(first);
        open.push(second);
        expect(await second.info('empty:until:later')).toEqual(before);
        await second.append('empty:until:later', [ev('a', 1)]);
        expect(await second.info('empty:until:later')).toEqual({ ...before, lastSeq: 1 });
      });
    }

    it('cuts a read page by payload bytes, with at least one event per page', async () => {
      const store = await makeStore();
      // Each data JSON is 100 characters: 98 and the quotes.
      const hundred = (c: string) => c.repeat(98);
      await store.append(
        'c',
        ['a', 'b', 'c', 'd', 'e'].map((c) => ev('t', hundred(c))),
      );
      await store.append('c', [ev('t', hundred('f').repeat(5))]);
      const seqs = async (after: number, limit: number, maxBytes?: number) =>
        (await store.read('c', after, limit, maxBytes)).events.map((e) => e.seq);
      expect(await seqs(0, 100, 250)).toEqual([1, 2]);
      expect(await seqs(0, 100, 300)).toEqual([1, 2, 3]);
      expect(await seqs(0, 2, 300)).toEqual([1, 2]);
      expect(await seqs(2, 100, 10_000)).toEqual([3, 4, 5, 6]);
      // An event larger than the budget still makes a page of its own.
      expect(await seqs(0, 100, 10)).toEqual([1]);
      expect(await seqs(5, 100, 10)).toEqual([6]);
      expect(await seqs(4, 100, 200)).toEqual([5]);
      const page = await store.read('c', 0, 100, 250);
      expect(page.info).toMatchObject({ lastSeq: 6, firstSeq: 1 });
      expect(page.events.map((e) => e.data)).toEqual([hundred('a'), hundred('b')]);
    });

    it('keeps at most maxBytes of payload per channel, the newest event always', async () => {
      const store = await makeStore({ retention: { maxBytes: 350 }, trimIntervalMs: 0 });
      const payload = (i: number) => String(i).padStart(98, '0');
      const sizeOf = (events: readonly { data: unknown }[]) =>
        events.reduce((n, e) => n + JSON.stringify(e.data).length, 0);
      for (let i = 1; i <= 8; i++) await store.append('c', [ev('t', payload(i))]);
      await store.append('quiet', [ev('t', payload(0))]);
      const kept = await store.read('c', 0, 100);
      expect(kept.info.lastSeq).toBe(8);
      expect(sizeOf(kept.events)).toBeLessThanOrEqual(350);
      expect(kept.events.at(-1)?.data).toBe(payload(8));
      expect(kept.events[0]?.seq).toBe(kept.info.firstSeq);
      if (contract.exactBytes !== false) {
        expect(kept.info.firstSeq).toBe(6);
        expect(kept.events.map((e) => e.data)).toEqual([payload(6), payload(7), payload(8)]);
      }
      // An event over the limit on its own is kept alone (JetStream drops it: the hub refuses a byte
      // retention smaller than its event size limit); trimming never renumbers.
      if (contract.exactBytes === false) return;
      const big = 'x'.repeat(1000);
      expect((await store.append('c', [ev('t', big)])).results[0]?.seq).toBe(9);
      const after = await store.read('c', 0, 100);
      expect(after.info).toMatchObject({ lastSeq: 9, firstSeq: 9 });
      expect(after.events.map((e) => e.data)).toEqual([big]);
      expect((await store.append('c', [ev('t', payload(10))])).results[0]?.seq).toBe(10);
      expect((await store.read('c', 0, 100)).events.map((e) => e.seq)).toEqual([10]);
      // Other channels keep their own budget.
      expect((await store.read('quiet', 0, 100)).events).toHaveLength(1);
    });

    it('keeps channels isolated', async () => {
      const store = await makeStore();
      await store.append('a', [ev('x', 'a1', 'same-id'), ev('x', 'a2')]);
      const b = await store.append('b', [ev('x', 'b1', 'same-id')]);
      expect(b.results).toEqual([{ id: 'same-id', seq: 1, duplicate: false }]);
      expect((await store.read('a', 0, 10)).events.map((e) => [e.channel, e.data])).toEqual([
        ['a', 'a1'],
        ['a', 'a2'],
      ]);
      expect((await store.read('b', 0, 10)).events.map((e) => [e.channel, e.data])).toEqual([['b', 'b1']]);
      expect((await store.info('a')).lastSeq).toBe(2);
      expect((await store.info('b')).lastSeq).toBe(1);
    });

    it('gives concurrent appends distinct, gapless seqs', async () => {
      const store = await makeStore();
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => store.append('hot', [ev('t', i, `id-${i}`)])),
      );
      const seqs = results.map((r) => r.results[0]?.seq ?? -1).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      const { events } = await store.read('hot', 0, 1000);
      expect(events.map((e) => e.seq)).toEqual(seqs);
      // Every envelope holds the data its publisher sent with the seq it was acked with.
      for (const [i, r] of results.entries()) {
        expect(events[(r.results[0]?.seq ?? 0) - 1]?.data).toBe(i);
      }
    });

    it('gives concurrent repeats of one id a single seq', async () => {
      const store = await makeStore();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.append('c', [ev('t', 1, 'once')])),
      );
      expect(new Set(results.map((r) => r.results[0]?.seq))).toEqual(new Set([1]));
      expect(results.filter((r) => r.results[0]?.duplicate === false)).toHaveLength(1);
      expect((await store.info('c')).lastSeq).toBe(1);
    });

    it('trims by count without renumbering', async () => {
      const store = await makeStore({ retention: { maxCount: 5 } });
      for (let i = 1; i <= 9; i++) await store.append('c', [ev('t', i)]);
      await store.append('c', [ev('t', 10), ev('t', 11), ev('t', 12)]);
      const { info, events } = await store.read('c', 0, 100);
      expect(info).toMatchObject({ lastSeq: 12, firstSeq: 8 });
      expect(events.map((e) => [e.seq, e.data])).toEqual([
        [8, 8],
        [9, 9],
        [10, 10],
        [11, 11],
        [12, 12],
      ]);
      expect((await store.append('c', [ev('t', 13)])).results[0]?.seq).toBe(13);
      expect((await store.info('c')).firstSeq).toBe(9);
      expect((await store.read('c', 2, 2)).events.map((e) => e.seq)).toEqual([9, 10]);
    });

    it('keeps exactly maxCount events over many appends', async () => {
      const store = await makeStore({ retention: { maxCount: 40 } });
      for (let i = 1; i <= 333; i++) {
        await store.append('c', [ev('t', i)]);
        if (i % 37 === 0) {
          const { info, events } = await store.read('c', 0, 1000);
          expect(info.firstSeq).toBe(Math.max(1, i - 39));
          expect(events).toHaveLength(Math.min(i, 40));
          expect(events[0]?.seq).toBe(info.firstSeq);
        }
      }
      await store.trim();
      const { info, events } = await store.read('c', 0, 1000);
      expect(info).toMatchObject({ lastSeq: 333, firstSeq: 294 });
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => 294 + i));
    });

    it('stores an id anew once its first event was trimmed away', async () => {
      const store = await makeStore({ retention: { maxCount: 3 } });
      await store.append('c', [ev('t', 'first', 'recycled')]);
      for (let i = 0; i < 5; i++) await store.append('c', [ev('t', i)]);
      const again = await store.append('c', [ev('t', 'second', 'recycled')]);
      expect(again.results).toEqual([{ id: 'recycled', seq: 7, duplicate: false }]);
      const { info, events } = await store.read('c', 0, 100);
      expect(info).toMatchObject({ lastSeq: 7, firstSeq: 5 });
      expect(events.map((e) => e.seq)).toEqual([5, 6, 7]);
      expect(events[2]).toMatchObject({ id: 'recycled', data: 'second' });
    });

    it('trims by age and reports firstSeq past lastSeq when nothing is left', async () => {
      const clock = manualClock();
      const aged = await makeStore({ retention: { maxAgeMs: 1000 }, now: clock.now, trimIntervalMs: 0 });
      await aged.append('c', [ev('t', 1), ev('t', 2), ev('t', 3)]);
      clock.advance(600);
      await aged.append('c', [ev('t', 4), ev('t', 5)]);
      await aged.append('other', [ev('t', 'o')]);
      clock.advance(500);
      await aged.trim();
      expect(await aged.info('c')).toMatchObject({ lastSeq: 5, firstSeq: 4 });
      expect((await aged.read('c', 0, 100)).events.map((e) => e.seq)).toEqual([4, 5]);
      expect((await aged.read('c', 0, 100)).info.firstSeq).toBe(4);
      clock.advance(1000);
      await aged.trim();
      expect(await aged.info('c')).toMatchObject({ lastSeq: 5, firstSeq: 6 });
      expect(await aged.info('other')).toMatchObject({ lastSeq: 1, firstSeq: 2 });
      expect((await aged.read('c', 0, 100)).events).toEqual([]);
      expect((await aged.append('c', [ev('t', 6)])).results[0]?.seq).toBe(6);
      expect(await aged.info('c')).toMatchObject({ lastSeq: 6, firstSeq: 6 });
    });

    it('trims by age on its own timer', async () => {
      const clock = manualClock();
      const store = await makeStore({ retention: { maxAgeMs: 1000 }, now: clock.now, trimIntervalMs: 20 });
      await store.append('c', [ev('t', 1), ev('t', 2)]);
      clock.advance(2000);
      await store.append('c', [ev('t', 3)]);
      await waitFor(async () => (await store.info('c')).firstSeq === 3);
      expect(await store.info('c')).toMatchObject({ lastSeq: 3, firstSeq: 3 });
      expect((await store.read('c', 0, 10)).events.map((e) => e.seq)).toEqual([3]);
    });

    if (contract.state === false) {
      it('refuses state operations and state reads with ERR_STATE_UNSUPPORTED, storing nothing', async () => {
        const store = await makeStore();
        await store.append('s', [ev('a', 1)]);
        await expectCode(
          store.append('s', [ev('b', 2), st('c', [{ op: 'add', path: '/x', value: 1 }])]),
          ErrorCode.StateUnsupported,
        );
        await expectCode(store.state('s'), ErrorCode.StateUnsupported);
        expect(await store.info('s')).toMatchObject({ lastSeq: 1 });
        // Events without operations (or with an empty list) are stored as always.
        expect((await store.append('s', [st('d', [])])).results[0]?.seq).toBe(2);
      });
    } else {
      it('folds state operations in seq order and serves the state with its position', async () => {
        const store = await makeStore();
        const empty = await store.state('s');
        expect(empty).toEqual({ epoch: (await store.info('s')).epoch, seq: 0, state: {} });
        const batches: StateOp[][] = [
          [{ op: 'add', path: '/status', value: 'running' }],
          [
            { op: 'append', path: '/outputs/text', value: 'Hel' },
            { op: 'increment', path: '/n', value: 2 },
          ],
          [{ op: 'append', path: '/outputs/text', value: 'lo' }],
          [{ op: 'append', path: '/log', value: { line: 1 } }],
          [
            { op: 'copy', from: '/status', path: '/was' },
            { op: 'replace', path: '/status', value: 'done' },
            { op: 'increment', path: '/n', value: -0.5 },
          ],
        ];
        const r1 = await store.append('s', [st('a', batches[0] ?? []), ev('plain', 1)]);
        expect(r1.stored[0]?.state).toEqual(batches[0]);
        expect(r1.stored[1]).not.toHaveProperty('state');
        await store.append(
          's',
          batches.slice(1).map((ops) => st('b', ops)),
        );
        const expected = foldAll(batches);
        expect(expected).toEqual({
          status: 'done',
          outputs: { text: 'Hello' },
          n: 1.5,
          log: [{ line: 1 }],
          was: 'running',
        });
        const got = await store.state('s');
        expect(got).toEqual({ epoch: empty.epoch, seq: 6, state: expected });
        // Envelopes read back carry the operations as published, so a subscriber can fold them.
        const { events } = await store.read('s', 0, 100);
        expect(events.map((e) => e.state ?? null)).toEqual([batches[0], null, ...batches.slice(1)]);
        expect((await store.state('other')).state).toEqual({});
      });

      it('refuses a whole publish whose operations fail, with its code, storing nothing', async () => {
        const store = await makeStore();
        await store.append('s', [st('a', [{ op: 'add', path: '/text', value: 'x' }]), ev('b', 1, 'known')]);
        const before = await store.state('s');
        const cases: [StateOp[], string][] = [
          [[{ op: 'add', path: 'no-slash', value: 1 }], ErrorCode.BadStateOp],
          [[{ op: 'remove', path: '/missing' }], ErrorCode.StateConflict],
          [[{ op: 'append', path: '/text', value: 5 }], ErrorCode.StateConflict],
          [[{ op: 'increment', path: '/text', value: 1 }], ErrorCode.StateConflict],
          [[{ op: 'test', path: '/text', value: 'y' }], ErrorCode.StateTestFailed],
          [[{ op: 'bogus', path: '/x' } as unknown as StateOp], ErrorCode.BadStateOp],
        ];
        for (const [ops, code] of cases) {
          // The good first event and the refused second one are one publish: neither is stored.
          await expectCode(
            store.append('s', [
              st('ok', [{ op: 'add', path: '/ok', value: true }], 'fresh-id'),
              st('bad', ops),
            ]),
            code,
          );
        }
        await expect(
          store.append('s', [st('ok', []), st('bad', [{ op: 'remove', path: '/nope' }])]),
        ).rejects.toThrow(/events\[1\]\.state\[0\]/);
        expect(await store.state('s')).toEqual(before);
        expect(await store.info('s')).toMatchObject({ lastSeq: 2 });
        expect((await store.read('s', 0, 100)).events.map((e) => e.seq)).toEqual([1, 2]);
        // The refused publish's id was not stored: it publishes anew.
        const again = await store.append('s', [ev('x', 0, 'fresh-id')]);
        expect(again.results).toEqual([{ id: 'fresh-id', seq: 3, duplicate: false }]);
      });

      it('leaves other channels and concurrent publishes alone when one publish is refused', async () => {
        const store = await makeStore();
        const inc = (id: string) => st('i', [{ op: 'increment', path: '/n', value: 1 }], id);
        const outcomes = await Promise.allSettled([
          store.append('a', [inc('a1')]),
          store.append('a', [st('bad', [{ op: 'test', path: '/n', value: 99 }])]),
          store.append('b', [inc('b1')]),
          store.append('a', [inc('a2')]),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
        expect(await store.state('a')).toMatchObject({ seq: 2, state: { n: 2 } });
        expect(await store.state('b')).toMatchObject({ seq: 1, state: { n: 1 } });
      });

      it('folds concurrent state publishes exactly once each', async () => {
        const store = await makeStore();
        await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.append('hot', [st('i', [{ op: 'increment', path: '/n', value: 1 }], `id-${i}`)]),
          ),
        );
        expect(await store.state('hot')).toMatchObject({ seq: 50, state: { n: 50 } });
      });

      it('does not apply a duplicate publish again', async () => {
        const store = await makeStore();
        const inc = st('i', [{ op: 'increment', path: '/n', value: 1 }], 'once');
        await store.append('d', [inc]);
        const again = await store.append('d', [inc, st('j', [{ op: 'increment', path: '/m', value: 1 }])]);
        expect(again.results[0]).toEqual({ id: 'once', seq: 1, duplicate: true });
        // Repeats within one batch count once too.
        await store.append('d', [
          st('k', [{ op: 'append', path: '/s', value: 'x' }], 'twice'),
          st('k', [{ op: 'append', path: '/s', value: 'x' }], 'twice'),
        ]);
        expect(await store.state('d')).toMatchObject({ seq: 3, state: { n: 1, m: 1, s: 'x' } });
      });

      it('refuses state past maxStateBytes with ERR_STATE_TOO_LARGE, storing nothing', async () => {
        const store = await makeStore({ maxStateBytes: 64 });
        await store.append('big', [st('a', [{ op: 'add', path: '/t', value: 'é'.repeat(20) }])]);
        // 20 two-byte characters fit; 30 more would make the document 108 bytes (58 characters).
        await expectCode(
          store.append('big', [st('a', [{ op: 'append', path: '/t', value: 'é'.repeat(30) }])]),
          ErrorCode.StateTooLarge,
        );
        expect(await store.state('big')).toMatchObject({ seq: 1, state: { t: 'é'.repeat(20) } });
        await store.append('big', [st('a', [{ op: 'append', path: '/t', value: 'ok' }])]);
        expect(await store.state('big')).toMatchObject({ seq: 2, state: { t: `${'é'.repeat(20)}ok` } });
      });

      it('keeps the state of every event when retention trims the history', async () => {
        const store = await makeStore({ retention: { maxCount: 5 }, trimIntervalMs: 0 });
        const all: StateOp[][] = [];
        for (let i = 0; i < 40; i++) {
          const ops: StateOp[] = [
            { op: 'increment', path: '/count', value: 1 },
            { op: 'append', path: '/text', value: `${i},` },
          ];
          all.push(ops);
          await store.append('t', [st('e', ops)]);
        }
        await store.trim();
        expect(await store.info('t')).toMatchObject({ lastSeq: 40, firstSeq: 36 });
        const state = await store.state('t');
        expect(state).toMatchObject({ seq: 40, state: foldAll(all) });
        expect((state.state as { count: number }).count).toBe(40);
      });

      if (contract.reopen !== undefined) {
        const reopen = contract.reopen;
        it('keeps the state across a restart', async () => {
          const first = await makeStore({ retention: { maxCount: 3 } });
          for (let i = 0; i < 10; i++)
            await first.append('r', [st('e', [{ op: 'append', path: '/text', value: String(i) }], `e${i}`)]);
          const before = await first.state('r');
          const second = await reopen(first, { retention: { maxCount: 3 } });
          open.push(second);
          expect(await second.state('r')).toEqual(before);
          expect(before.state).toEqual({ text: '0123456789' });
          // The retained ids still count as duplicates, and folding goes on from the stored document.
          await second.append('r', [
            st('e', [{ op: 'append', path: '/text', value: 'X' }], 'e9'),
            st('e', [{ op: 'append', path: '/text', value: '!' }]),
          ]);
          expect(await second.state('r')).toMatchObject({ seq: 11, state: { text: '0123456789!' } });
        });
      }
    }

    it('closes idempotently and refuses use afterwards', async () => {
      const store = await makeStore();
      await store.append('c', [ev('t', 1)]);
      await store.close();
      await store.close();
      await expect(store.append('c', [ev('t', 2)])).rejects.toSatisfy(
        (e: unknown) => e instanceof HeraldError && e.code === ErrorCode.ShuttingDown,
      );
      await expect(store.read('c', 0, 10)).rejects.toBeInstanceOf(HeraldError);
      await expect(store.info('c')).rejects.toBeInstanceOf(HeraldError);
      await expect(store.trim()).resolves.toBeUndefined();
    });
  });
}
