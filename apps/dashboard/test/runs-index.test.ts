import type { Envelope } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { summarizeRuns } from '../src/lib/runs-index.js';

let seq = 0;
const event = (type: string, data: Record<string, unknown>): Envelope =>
  ({
    channel: 'runs',
    seq: ++seq,
    id: `e${seq}`,
    ts: `2026-01-01T00:00:0${seq}.000Z`,
    type,
    data,
  }) as Envelope;

describe('summarizeRuns', () => {
  it('folds run.started / run.completed into one row per run, newest first', () => {
    const runs = summarizeRuns([
      event('run.started', { run_id: 'a', song_title: 'Neon Harbor', genre: 'synthpop', channel: 'run:a' }),
      event('run.started', { run_id: 'b', song_title: 'Glass Horizon' }),
      event('run.completed', { run_id: 'a', status: 'completed', duration_ms: 14000 }),
      event('run.completed', { run_id: 'b', status: 'failed', failed_node: 'RENDER' }),
      event('run.started', { run_id: 'c', song_title: 'Velvet Thunder' }),
    ]);
    expect(runs.map((r) => [r.runId, r.status])).toEqual([
      ['c', 'running'],
      ['b', 'failed'],
      ['a', 'completed'],
    ]);
    expect(runs[2]).toMatchObject({
      songTitle: 'Neon Harbor',
      genre: 'synthpop',
      durationMs: 14000,
      channel: 'run:a',
    });
    expect(runs[1]).toMatchObject({ failedNode: 'RENDER', channel: 'run:b' });
  });

  it('keeps a completion whose start was trimmed from history, and ignores events without a run id', () => {
    const runs = summarizeRuns([
      event('note', { text: 'x' }),
      event('run.completed', { run_id: 'z', status: 'completed' }),
    ]);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ runId: 'z', songTitle: 'z', status: 'completed' });
  });
});
