import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createNatsStore, type NatsStoreOptions } from '../../src/store/nats/index.js';
import { SHARED_NATS, type TestStreams, testStreams } from '../engines/nats.js';
import { describeStoreContract } from './contract.js';

const created: TestStreams[] = [];
function prefixes(): TestStreams {
  const t = testStreams();
  created.push(t);
  return t;
}
afterAll(async () => {
  await Promise.all(created.splice(0).map((t) => t.remove()));
});

function store(options: Omit<NatsStoreOptions, 'servers'> = {}, names: TestStreams = prefixes()) {
  return createNatsStore({
    servers: SHARED_NATS,
    streamPrefix: names.streamPrefix,
    subjectPrefix: names.subjectPrefix,
    ...options,
  });
}

describeStoreContract(
  'nats jetstream',
  async (options = {}) => {
    const { retention, ...runtime } = options;
    return store(retention === undefined ? runtime : { ...runtime, retention });
  },
  { state: false, exactBytes: false },
);

describe('nats jetstream store', () => {
  it('shares one history between nodes: gapless seqs and one seq per id under racing publishers', async () => {
    const names = prefixes();
    const nodes = [store({}, names), store({}, names), store({}, names)];
    try {
      const results = await Promise.all(
        Array.from({ length: 150 }, (_, i) =>
          nodes[i % 3]?.append('run:shared.1', [
            { type: 't', data: i, id: `e-${i}` },
            { type: 't', data: 'dup', id: `race-${Math.floor(i / 3)}` },
          ]),
        ),
      );
      const fresh = results.flatMap((r) => r?.results.filter((e) => !e.duplicate).map((e) => e.seq) ?? []);
      expect(fresh.sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      const raced = new Map<string, Set<number>>();
      for (const r of results) {
        const e = r?.results[1];
        if (e !== undefined) raced.set(e.id, (raced.get(e.id) ?? new Set()).add(e.seq));
      }
      expect([...raced.values()].every((seqs) => seqs.size === 1)).toBe(true);
      expect(await nodes[0]?.info('run:shared.1')).toEqual(await nodes[2]?.info('run:shared.1'));
      expect((await nodes[1]?.read('run:shared.1', 0, 1000))?.events.map((e) => e.seq)).toEqual(
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });

  it('stores an id once past the duplicate window', async () => {
    const s = store({ duplicateWindowMs: 100 });
    try {
      await s.append('c', [{ type: 't', data: 1, id: 'old' }]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const again = await s.append('c', [
        { type: 't', data: 2, id: 'old' },
        { type: 't', data: 3 },
      ]);
      expect(again.results.map((r) => [r.seq, r.duplicate])).toEqual([
        [1, true],
        [2, false],
      ]);
      expect((await s.info('c')).lastSeq).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('applies changed limits to streams created by an earlier run', async () => {
    const names = prefixes();
    const first = store({}, names);
    await first.append(
      'c',
      Array.from({ length: 30 }, (_, i) => ({ type: 't', data: i + 1 })),
    );
    const { epoch } = await first.info('c');
    await first.close();
    const second = store({ retention: { maxCount: 10 } }, names);
    try {
      expect(await second.info('c')).toEqual({ epoch, lastSeq: 30, firstSeq: 21 });
      expect((await second.read('c', 0, 100)).events.map((e) => e.data)).toEqual(
        Array.from({ length: 10 }, (_, i) => 21 + i),
      );
    } finally {
      await second.close();
    }
  });

  it('changes the epoch when the stream is recreated, keeps it for a new store on the same streams', async () => {
    const names = prefixes();
    const first = store({}, names);
    await first.append('c', [{ type: 't', data: 1 }]);
    const info = await first.info('c');
    await first.close();
    const second = store({}, names);
    try {
      expect(await second.info('c')).toEqual(info);
    } finally {
      await second.close();
    }
    await names.remove();
    const third = store({}, names);
    try {
      const fresh = await third.info('c');
      expect(fresh.lastSeq).toBe(0);
      expect(fresh.epoch).not.toBe(info.epoch);
    } finally {
      await third.close();
    }
  });
  it('creates no stream for reads of channels never written, and keeps their epoch for the first append', async () => {
    const names = prefixes();
    const first = store({}, names);
    let epoch = '';
    try {
      await first.append('real', [{ type: 't', data: 1 }]);
      for (let i = 0; i < 10; i++) {
        const name = `ghost:${i}`;
        const info = await first.info(name);
        expect(info).toMatchObject({ lastSeq: 0, firstSeq: 1 });
        expect(await first.read(name, 0, 100)).toEqual({ info, events: [] });
        if (i === 3) epoch = info.epoch;
      }
      await first.trim();
      const streams = await streamNames(names.streamPrefix);
      // The channel's stream and the prefix's generation, nothing for the ghosts.
      expect(streams).toEqual([`${names.streamPrefix}_g`, `${names.streamPrefix}real`]);
    } finally {
      await first.close();
    }
    const second = store({}, names);
    try {
      expect(await second.info('ghost:3')).toEqual({ epoch, lastSeq: 0, firstSeq: 1 });
      await second.append('ghost:3', [{ type: 't', data: 1 }]);
      expect(await second.info('ghost:3')).toEqual({ epoch, lastSeq: 1, firstSeq: 1 });
      expect(await second.changedSince(new Date(0))).toEqual(
        expect.arrayContaining([
          { channel: 'real', lastSeq: 1 },
          { channel: 'ghost:3', lastSeq: 1 },
        ]),
      );
    } finally {
      await second.close();
    }
  });
});

async function streamNames(prefix: string): Promise<string[]> {
  const nc = await connect({ servers: SHARED_NATS, timeout: 3_000, maxReconnectAttempts: 0 });
  try {
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(prefix)) names.push(name);
    return names.sort();
  } finally {
    await nc.close();
  }
}
