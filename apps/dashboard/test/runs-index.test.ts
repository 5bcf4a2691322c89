import { applyStateOps, collectionOps, type JsonValue, readCollection } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { runsFromCollection } from '../src/lib/runs-index.js';

/** A `runs` collection document built the way publishers write it. */
function collection(sets: [string, JsonValue][]): JsonValue {
  let doc: JsonValue = {};
  for (const [key, value] of sets) {
    const next = applyStateOps(doc, collectionOps.set(key, value, { ttlMs: 60_000, now: 1_000 }));
    if (!next.ok) throw new Error(next.error.message);
    doc = next.state;
  }
  return doc;
}

describe('runsFromCollection', () => {
  it('reads one summary per entry, newest first, and the latest value of a key wins', () => {
    const doc = collection([
      [
        'a',
        {
          runId: 'a',
          channel: 'run:a',
          songTitle: 'Neon Harbor',
          genre: 'synthpop',
          status: 'running',
          progress: 0,
          startedAt: '2026-01-01T00:00:01.000Z',
        },
      ],
      [
        'b',
        { runId: 'b', songTitle: 'Glass Horizon', status: 'running', startedAt: '2026-01-01T00:00:02.000Z' },
      ],
      [
        'a',
        {
          runId: 'a',
          channel: 'run:a',
          songTitle: 'Neon Harbor',
          genre: 'synthpop',
          status: 'completed',
          progress: 1,
          startedAt: '2026-01-01T00:00:01.000Z',
          durationMs: 5400,
        },
      ],
    ]);
    const runs = runsFromCollection(readCollection(doc, 2_000).entries);
    expect(runs.map((r) => [r.runId, r.status])).toEqual([
      ['b', 'running'],
      ['a', 'completed'],
    ]);
    expect(runs[1]).toMatchObject({ channel: 'run:a', genre: 'synthpop', durationMs: 5400, progress: 1 });
    expect(runs[0]).toMatchObject({ channel: 'run:b', genre: null, durationMs: null, failedNode: null });
  });

  it('defaults what a publisher left out or got wrong, instead of crashing', () => {
    const doc = collection([
      ['x', 'not an object'],
      ['y', { status: 'exploded', progress: 7, songTitle: 42 }],
    ]);
    const runs = runsFromCollection(readCollection(doc, 2_000).entries);
    expect(runs.find((r) => r.runId === 'x')).toMatchObject({
      songTitle: 'x',
      status: 'running',
      progress: 0,
    });
    expect(runs.find((r) => r.runId === 'y')).toMatchObject({
      songTitle: 'y',
      status: 'running',
      progress: 1,
    });
  });

  it('leaves out entries whose TTL passed', () => {
    const doc = collection([['a', { runId: 'a', startedAt: '2026-01-01T00:00:01.000Z' }]]);
    expect(runsFromCollection(readCollection(doc, 2_000).entries)).toHaveLength(1);
    expect(runsFromCollection(readCollection(doc, 61_001).entries)).toHaveLength(0);
  });
});
