// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import {
  initialRunProgress,
  nodeStatus,
  type RunEventLike,
  reduceRunProgress,
} from '../src/run-progress/reducer.js';
import { MEATYMUSIC_NODES, type RunProgressState } from '../src/run-progress/types.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
let seq = 0;

function ev(type: string, data: unknown, atMs = 0): RunEventLike {
  seq += 1;
  return { seq, ts: new Date(T0 + atMs).toISOString(), type, data };
}

function fold(
  events: readonly RunEventLike[],
  start: RunProgressState = initialRunProgress(),
): RunProgressState {
  return events.reduce(reduceRunProgress, start);
}

const node = (phase: 'start' | 'end' | 'fail', name: string, extra: Record<string, unknown> = {}, at = 0) =>
  ev(`node.${phase}`, { run_id: 'r1', node: name, phase, ...extra }, at);

describe('reduceRunProgress: MeatyMusic workflow', () => {
  it('starts idle with the configured steps pending', () => {
    const state = initialRunProgress(MEATYMUSIC_NODES);
    expect(state.status).toBe('idle');
    expect(state.nodes).toEqual(MEATYMUSIC_NODES);
    expect(MEATYMUSIC_NODES.map((n) => nodeStatus(state, n))).toEqual(MEATYMUSIC_NODES.map(() => 'pending'));
    expect(state.percent).toBe(0);
  });

  it('run.started sets the node list, run id and running status', () => {
    const state = fold([ev('run.started', { run_id: 'r1', nodes: ['PLAN', 'STYLE'] })]);
    expect(state.runId).toBe('r1');
    expect(state.status).toBe('running');
    expect(state.nodes).toEqual(['PLAN', 'STYLE']);
    expect(nodeStatus(state, 'STYLE')).toBe('pending');
  });

  it('tracks start → end with current node, lists, durations, metrics, scores and percent', () => {
    const state = fold([
      ev('run.started', { run_id: 'r1', nodes: ['PLAN', 'STYLE', 'LYRICS', 'COMPOSE'] }),
      node('start', 'PLAN', {}, 0),
      node('end', 'PLAN', { duration_ms: 120, metrics: { tokens: 300 } }, 120),
      node('start', 'STYLE', {}, 130),
    ]);
    expect(state.currentNode).toBe('STYLE');
    expect(state.nodesCompleted).toEqual(['PLAN']);
    expect(state.nodesInProgress).toEqual(['STYLE']);
    expect(state.nodesFailed).toEqual([]);
    expect(state.durations).toEqual({ PLAN: 120 });
    expect(state.nodeStates.PLAN?.metrics).toEqual({ tokens: 300 });
    expect(nodeStatus(state, 'STYLE')).toBe('running');
    expect(state.percent).toBe(25);
  });

  it('derives the duration from event timestamps when duration_ms is missing', () => {
    const state = fold([node('start', 'LYRICS', {}, 1000), node('end', 'LYRICS', {}, 3500)]);
    expect(state.durations.LYRICS).toBe(2500);
  });

  it('merges scores (later values win) and keeps per-node scores', () => {
    const state = fold([
      node('end', 'VALIDATE', { scores: { hook: 0.4, rhyme: 0.9 } }),
      node('end', 'REVIEW', { scores: { hook: 0.8, overall: 0.85 } }),
    ]);
    expect(state.scores).toEqual({ hook: 0.8, rhyme: 0.9, overall: 0.85 });
    expect(state.nodeStates.VALIDATE?.scores).toEqual({ hook: 0.4, rhyme: 0.9 });
  });

  it('ignores non-numeric scores and metrics', () => {
    const state = fold([
      node('end', 'VALIDATE', { scores: { hook: 'high', rhyme: 0.5 }, metrics: { x: null } }),
    ]);
    expect(state.scores).toEqual({ rhyme: 0.5 });
    expect(state.nodeStates.VALIDATE?.metrics).toEqual({});
  });

  it('handles the FIX loop: VALIDATE fails with issues, FIX runs, VALIDATE passes and issues clear', () => {
    const issue = { code: 'rhyme_weak', message: 'Weak rhyme in verse 2', severity: 'warning' };
    const failed = fold([
      ev('run.started', { run_id: 'r1', nodes: [...MEATYMUSIC_NODES] }),
      node('start', 'VALIDATE', {}, 0),
      node('fail', 'VALIDATE', { duration_ms: 50, issues: [issue] }, 50),
    ]);
    expect(failed.nodesFailed).toEqual(['VALIDATE']);
    expect(failed.issues).toEqual([{ node: 'VALIDATE', ...issue }]);
    expect(failed.status).toBe('running');

    const fixing = fold([node('start', 'FIX', {}, 60), node('end', 'FIX', { duration_ms: 40 }, 100)], failed);
    const revalidating = fold([node('start', 'VALIDATE', {}, 110)], fixing);
    expect(nodeStatus(revalidating, 'VALIDATE')).toBe('running');
    expect(revalidating.nodesFailed).toEqual([]);
    expect(revalidating.nodeStates.VALIDATE?.attempts).toBe(2);

    const passed = fold([node('end', 'VALIDATE', { duration_ms: 30, issues: [] }, 140)], revalidating);
    expect(nodeStatus(passed, 'VALIDATE')).toBe('done');
    expect(passed.issues).toEqual([]);
    expect(passed.durations.VALIDATE).toBe(30);
    expect(passed.nodesCompleted).toEqual(['FIX', 'VALIDATE']);
  });

  it('keeps the latest artifacts per node with an increasing version', () => {
    const state = fold([
      node('end', 'LYRICS', { artifacts: { lyrics: 'v1' } }),
      node('end', 'COMPOSE', { artifacts: { midi: 'a.mid' } }),
      node('start', 'LYRICS'),
      node('end', 'LYRICS', { artifacts: { lyrics: 'v2' } }),
    ]);
    expect(state.artifacts.LYRICS?.version).toBe(2);
    expect(state.artifacts.LYRICS?.value).toEqual({ lyrics: 'v2' });
    expect(state.artifacts.COMPOSE?.version).toBe(1);
  });

  it('accepts seed-style events that carry node and phase in data with another type', () => {
    const state = fold([
      ev('workflow', { node: 'PLAN', phase: 'start' }),
      ev('workflow', { node: 'PLAN', phase: 'end' }),
    ]);
    expect(nodeStatus(state, 'PLAN')).toBe('done');
  });

  it('appends nodes not announced in run.started', () => {
    const state = fold([ev('run.started', { run_id: 'r1', nodes: ['PLAN'] }), node('start', 'EXTRA')]);
    expect(state.nodes).toEqual(['PLAN', 'EXTRA']);
  });

  it('run.completed succeeded → completed at 100%; failed → failed keeping percent', () => {
    const base = fold([ev('run.started', { run_id: 'r1', nodes: ['PLAN', 'STYLE'] }), node('end', 'PLAN')]);
    const ok = reduceRunProgress(
      base,
      ev('run.completed', { run_id: 'r1', status: 'succeeded', duration_ms: 900 }),
    );
    expect(ok.status).toBe('completed');
    expect(ok.percent).toBe(100);
    expect(ok.durationMs).toBe(900);
    const bad = reduceRunProgress(
      base,
      ev('run.completed', { run_id: 'r1', status: 'failed', duration_ms: 500 }),
    );
    expect(bad.status).toBe('failed');
    expect(bad.percent).toBe(50);
  });

  it('a late node event after completion does not flip the run back to running', () => {
    const done = fold([node('end', 'PLAN'), ev('run.completed', { run_id: 'r1', status: 'succeeded' })]);
    expect(reduceRunProgress(done, node('end', 'REVIEW')).status).toBe('completed');
  });

  it('a new run id in run.started resets the state', () => {
    const first = fold([
      ev('run.started', { run_id: 'r1', nodes: ['PLAN'] }),
      node('end', 'PLAN', { scores: { a: 1 } }),
    ]);
    const second = reduceRunProgress(first, ev('run.started', { run_id: 'r2', nodes: ['PLAN'] }));
    expect(second.runId).toBe('r2');
    expect(nodeStatus(second, 'PLAN')).toBe('pending');
    expect(second.scores).toEqual({});
  });

  it('returns the same object for unknown events (Object.is bail-out)', () => {
    const state = fold([node('start', 'PLAN')]);
    expect(reduceRunProgress(state, ev('goal.created', { goal_id: 1 }))).toBe(state);
    expect(reduceRunProgress(state, ev('node.start', { phase: 'start' }))).toBe(state);
    expect(reduceRunProgress(state, ev('node.weird', { node: 'PLAN' }))).toBe(state);
  });

  it('records lastSeq of the last applied event', () => {
    const e = node('start', 'PLAN');
    expect(reduceRunProgress(initialRunProgress(), e).lastSeq).toBe(e.seq);
  });

  it('a failure without issues records the error message as an issue', () => {
    const state = fold([node('fail', 'RENDER', { error: 'GPU out of memory' })]);
    expect(state.issues).toEqual([
      { node: 'RENDER', code: 'node_failed', message: 'GPU out of memory', severity: 'error' },
    ]);
  });
});

describe('reduceRunProgress: video generation', () => {
  it('progress sets step, clip, percent and estimates an ETA from elapsed time', () => {
    const state = fold([
      ev('progress', { step: 'generating', clip: 1, total_clips: 4, percentage: 10 }, 0),
      ev('progress', { step: 'generating', clip: 2, total_clips: 4, percentage: 25 }, 30_000),
    ]);
    expect(state.status).toBe('running');
    expect(state.step).toBe('generating');
    expect(state.clip).toBe(2);
    expect(state.totalClips).toBe(4);
    expect(state.percent).toBe(25);
    // 30 s for 25% → 90 s for the remaining 75%.
    expect(state.eta).toBe(90);
  });

  it('clamps percentages and has no ETA before time has passed', () => {
    const state = fold([ev('progress', { step: 's', percentage: 150 })]);
    expect(state.percent).toBe(100);
    expect(state.eta).toBe(0);
    expect(fold([ev('progress', { step: 's', percentage: 5 })]).eta).toBeNull();
  });

  it('clip_completed stores clip urls', () => {
    const state = fold([
      ev('clip_completed', { clip: 1, total_clips: 3, url: 'https://x/1.mp4' }),
      ev('clip_completed', { clip: 2, total_clips: 3, url: 'https://x/2.mp4' }),
    ]);
    expect(state.clips).toEqual({ 1: 'https://x/1.mp4', 2: 'https://x/2.mp4' });
    expect(state.totalClips).toBe(3);
  });

  it('encoding_progress uses eta_seconds and frames', () => {
    const state = fold([
      ev('encoding_progress', { frames: 120, total_frames: 480, eta_seconds: 42, percentage: 25 }),
    ]);
    expect(state.frames).toEqual({ done: 120, total: 480 });
    expect(state.eta).toBe(42);
    expect(state.percent).toBe(25);
  });

  it('status_change maps job statuses to the run status', () => {
    const running = fold([ev('status_change', { status: 'encoding' })]);
    expect(running.jobStatus).toBe('encoding');
    expect(running.status).toBe('running');
    expect(reduceRunProgress(running, ev('status_change', { status: 'failed' })).status).toBe('failed');
    expect(reduceRunProgress(running, ev('status_change', { new_status: 'completed' })).status).toBe(
      'completed',
    );
  });

  it('completed → 100%, url and duration', () => {
    const state = fold([
      ev('progress', { step: 's', percentage: 80 }),
      ev('completed', { url: 'https://x/final.mp4', duration_ms: 61000 }),
    ]);
    expect(state.status).toBe('completed');
    expect(state.percent).toBe(100);
    expect(state.url).toBe('https://x/final.mp4');
    expect(state.durationMs).toBe(61000);
  });

  it('error: recoverable keeps running, fatal fails the job', () => {
    const running = fold([ev('progress', { step: 's', percentage: 30 })]);
    const soft = reduceRunProgress(
      running,
      ev('error', { code: 'rate_limited', message: 'Slow down', recoverable: true }),
    );
    expect(soft.status).toBe('running');
    expect(soft.error).toEqual({ code: 'rate_limited', message: 'Slow down', recoverable: true });
    const fatal = reduceRunProgress(
      running,
      ev('error', { code: 'model_crash', message: 'Boom', recoverable: false }),
    );
    expect(fatal.status).toBe('failed');
  });
});
