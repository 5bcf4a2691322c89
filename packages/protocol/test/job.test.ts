import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../src/envelope.js';
import { jobOps } from '../src/job/ops.js';
import { jobView, readJob } from '../src/job/view.js';
import { applyStateOps } from '../src/state/apply.js';
import { EMPTY_STATE, type StateOp } from '../src/state/ops.js';

/** Applies each list in turn, as the hub does event by event. */
function fold(...lists: StateOp[][]): JsonValue {
  let state = EMPTY_STATE;
  for (const ops of lists) {
    const r = applyStateOps(state, ops);
    if (!r.ok) throw new Error(r.error.message);
    state = r.state;
  }
  return state;
}

const t = (s: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, s)).toISOString();

describe('the job vocabulary', () => {
  it('reads an empty channel as a queued job with nothing done', () => {
    const view = jobView(undefined);
    expect(view).toMatchObject({ progress: 0, isDone: false, current: null, steps: [] });
    expect(view.job).toMatchObject({ status: 'queued', steps: {}, outputs: {}, artifacts: {}, metadata: {} });
  });

  it('follows a workflow run with a FIX loop, streamed lyrics and an artifact', () => {
    const plan = ['PLAN', 'LYRICS', 'VALIDATE', 'FIX', 'RENDER'];
    const state = fold(
      jobOps.create({ plan, metadata: { song: 'night drive' }, at: t(0) }),
      jobOps.start(t(1)),
      jobOps.stepStart('PLAN', t(1)),
      jobOps.stepEnd('PLAN', { durationMs: 1000 }, t(2)),
      jobOps.stepStart('LYRICS', t(2)),
      jobOps.append('lyrics', 'City lights '),
      jobOps.append('lyrics', 'on the water'),
      jobOps.stepEnd('LYRICS', {}, t(3)),
      jobOps.stepStart('VALIDATE', t(3)),
      jobOps.stepEnd(
        'VALIDATE',
        { status: 'failed', message: 'hook too weak', metadata: { score: 0.61 } },
        t(4),
      ),
      jobOps.stepStart('FIX', t(4)),
      jobOps.stepEnd('FIX', {}, t(5)),
      jobOps.stepStart('VALIDATE', t(5)),
    );
    const mid = jobView(state);
    expect(mid.steps.map((s) => [s.name, s.status, s.attempt])).toEqual([
      ['PLAN', 'completed', 1],
      ['LYRICS', 'completed', 1],
      ['VALIDATE', 'running', 2],
      ['FIX', 'completed', 1],
      ['RENDER', 'pending', 0],
    ]);
    expect(mid.current?.name).toBe('VALIDATE');
    expect(mid.steps[2]).toMatchObject({ endedAt: null, progress: 0, metadata: { score: 0.61 } });
    expect(mid.progress).toBeCloseTo(3 / 5);
    expect(mid.job.outputs.lyrics).toBe('City lights on the water');

    const done = jobView(
      fold(
        jobOps.create({ plan, at: t(0) }),
        jobOps.artifact('mix', { url: 'https://cdn.example/mix.mp3', kind: 'audio' }),
        jobOps.complete({ id: 'song_1' }, t(9)),
      ),
    );
    expect(done).toMatchObject({ progress: 1, isDone: true });
    expect(done.job).toMatchObject({
      status: 'completed',
      result: { id: 'song_1' },
      artifacts: { mix: { url: 'https://cdn.example/mix.mp3', kind: 'audio' } },
    });
  });

  it('prefers reported progress and keeps the ETA', () => {
    const view = jobView(
      fold(jobOps.create(), jobOps.start(), jobOps.progress(0.25, { etaAt: t(40), message: 'clip 1 of 4' })),
    );
    expect(view.progress).toBe(0.25);
    expect(view.job).toMatchObject({ etaAt: t(40), message: 'clip 1 of 4' });
  });

  it('rolls children up into the parent', () => {
    const view = jobView(
      fold(
        jobOps.create(),
        jobOps.child('job:clip-1', { status: 'completed' }),
        jobOps.child('job:clip-2', { status: 'running', progress: 0.5 }),
      ),
    );
    expect(view.progress).toBeCloseTo(0.75);
  });

  it('records failures with their code and recoverability, and shows unplanned steps by start time', () => {
    const view = jobView(
      fold(
        jobOps.create(),
        jobOps.stepStart('encode', t(2)),
        jobOps.stepStart('upload/s3', t(1)),
        jobOps.fail({ code: 'RENDER_TIMEOUT', message: 'render took too long', recoverable: true }),
      ),
    );
    expect(view.isDone).toBe(true);
    expect(view.steps.map((s) => s.name)).toEqual(['upload/s3', 'encode']);
    expect(readJob(fold(jobOps.create(), jobOps.cancel())).status).toBe('cancelled');
    expect(view.job.error).toEqual({
      code: 'RENDER_TIMEOUT',
      message: 'render took too long',
      recoverable: true,
    });
  });

  it('reads a document of another shape without throwing', () => {
    expect(jobView({ status: 'exploded', steps: [1, 2], progress: 7 })).toMatchObject({
      progress: 1,
      isDone: false,
    });
    expect(jobView('text').job.status).toBe('queued');
  });
});
