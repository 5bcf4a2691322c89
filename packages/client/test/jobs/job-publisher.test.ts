import { ErrorCode, HeraldError, jobView } from '@herald/protocol';
import { startTestHub, type TestHub } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createJobPublisher, type JobPublisher } from '../../src/jobs/index.js';
import { countingFetch, history, hubState, typesOf } from './helpers.js';

let hub: TestHub | undefined;
const jobs: JobPublisher[] = [];
afterEach(async () => {
  for (const j of jobs.splice(0)) await j.close({ flush: false });
  await hub?.close();
  hub = undefined;
});

const FAST_RETRY = { initialMs: 50, maxMs: 400, maxAttempts: 60 };
const PLAN = ['PLAN', 'LYRICS', 'VALIDATE'];

function publisher(options: Partial<Parameters<typeof createJobPublisher>[0]> = {}): JobPublisher {
  const job = createJobPublisher({ url: hub?.url ?? '', channel: 'run:1', retry: FAST_RETRY, ...options });
  jobs.push(job);
  return job;
}

describe('createJobPublisher against a real hub', () => {
  it('writes the job vocabulary: GET /state is the document jobView expects, and the event log reads', async () => {
    hub = await startTestHub();
    const job = publisher({ plan: PLAN, metadata: { genre: 'synthwave' } });
    await job.create();
    void job.start();
    void job.progress(0.1, { etaAt: '2030-01-01T00:00:00.000Z', message: 'planning' });
    void job.step('PLAN').start();
    void job.step('PLAN').end({ durationMs: 12 });
    const lyrics = job.step('LYRICS');
    void lyrics.start();
    void lyrics.progress(0.5, 'verse 1');
    for (const token of ['Neon ', 'rain ', 'on ', 'chrome']) void job.output('lyrics').append(token);
    void lyrics.end({ status: 'completed', metadata: { words: 4 } });
    void job.step('VALIDATE').start();
    void job.step('VALIDATE').end({ status: 'failed', message: 'score 0.6' });
    void job.step('VALIDATE').start();
    void job.step('VALIDATE').end();
    void job.artifact('audio', { url: 'https://cdn.example/a.mp3', kind: 'audio' });
    void job.metadata('bpm', 120);
    const done = job.complete({ title: 'Neon Rain' });
    await job.flush();
    expect((await done).seq).toBe(19);

    const { state, seq } = await hubState(hub.url, 'run:1');
    expect(seq).toBe(19);
    const view = jobView(state);
    expect(view.isDone).toBe(true);
    expect(view.progress).toBe(1);
    expect(view.steps.map((s) => [s.name, s.status, s.attempt])).toEqual([
      ['PLAN', 'completed', 1],
      ['LYRICS', 'completed', 1],
      ['VALIDATE', 'completed', 2],
    ]);
    expect(view.job.outputs.lyrics).toBe('Neon rain on chrome');
    expect(view.job.metadata).toEqual({ genre: 'synthwave', bpm: 120 });
    expect(view.job.artifacts.audio).toEqual({ url: 'https://cdn.example/a.mp3', kind: 'audio' });
    expect(view.job.result).toEqual({ title: 'Neon Rain' });
    expect(view.job.etaAt).toBe('2030-01-01T00:00:00.000Z');
    expect(view.job.steps.LYRICS?.metadata).toEqual({ words: 4 });

    const events = await history(hub.url, 'run:1');
    expect(typesOf(events).slice(0, 6)).toEqual([
      'job.create',
      'job.start',
      'job.progress',
      'job.step.start',
      'job.step.end',
      'job.step.start',
    ]);
    expect(events[3]?.data).toEqual({ step: 'PLAN' });
    expect(events[7]?.data).toEqual({ output: 'lyrics', text: 'Neon ' });
    expect(events.at(-1)?.type).toBe('job.complete');
  });

  it('coalesces calls into batch publishes of at most 100 events', async () => {
    hub = await startTestHub();
    const counter = countingFetch();
    const job = publisher({ fetch: counter.fetch });
    const text = Array.from({ length: 250 }, (_, i) => `t${i} `);
    for (const t of text) void job.output('log').append(t);
    await job.flush();
    expect(counter.requests()).toBe(3); // 100 + 100 + 50
    const { state, seq } = await hubState(hub.url, 'run:1');
    expect(seq).toBe(250);
    expect(jobView(state).job.outputs.log).toBe(text.join(''));
  });

  it('stores a publish once when its answer was lost and it was retried with the same ids', async () => {
    hub = await startTestHub();
    const counter = countingFetch(2);
    const job = publisher({ fetch: counter.fetch });
    const first = job.output('lyrics').append('one ');
    const second = job.output('lyrics').append('two');
    await job.flush();
    expect(counter.requests()).toBe(3); // lost, lost, answered
    expect((await first).duplicate).toBe(true);
    expect((await second).seq).toBe(2);
    const events = await history(hub.url, 'run:1');
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
    expect(jobView((await hubState(hub.url, 'run:1')).state).job.outputs.lyrics).toBe('one two');
  });

  it('keeps strict order through a hub restart mid-stream, storing each append once', async () => {
    hub = await startTestHub({ sqlite: true });
    const job = publisher({ lingerMs: 2, maxBatch: 10 });
    await job.create();
    const tokens = Array.from({ length: 400 }, (_, i) => `w${i} `);
    let restart: Promise<void> | undefined;
    for (const [i, t] of tokens.entries()) {
      void job.output('lyrics').append(t);
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 1));
      if (i === 150) restart = hub.restart();
    }
    await restart;
    await job.flush();
    const events = await history(hub.url, 'run:1');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.length).toBe(401);
    expect(new Set(events.map((e) => e.id)).size).toBe(401);
    const appended = events.slice(1).map((e) => (e.data as { text: string }).text);
    expect(appended).toEqual(tokens);
    expect(jobView((await hubState(hub.url, 'run:1')).state).job.outputs.lyrics).toBe(tokens.join(''));
  });

  it('waits out 429 from a tiny rate limit and stores everything in order', async () => {
    hub = await startTestHub({
      auth: { publisherKeys: ['key-1'] },
      limits: { publishRatePerSec: 40, publishBurst: 10 },
    });
    const counter = countingFetch();
    const job = publisher({ token: () => 'key-1', fetch: counter.fetch, lingerMs: 1, maxBatch: 5 });
    const tokens = Array.from({ length: 60 }, (_, i) => `${i},`);
    for (const t of tokens) void job.output('csv').append(t);
    await job.flush();
    expect(counter.requests()).toBeGreaterThan(12); // some of the 12 batches were refused with 429 first
    const events = await history(hub.url, 'run:1', 'key-1');
    expect(events.map((e) => (e.data as { text: string }).text)).toEqual(tokens);
    const { state } = await hubState(hub.url, 'run:1', 'key-1');
    expect(jobView(state).job.outputs.csv).toBe(tokens.join(''));
  });

  it('rejects with the hub code and a refused event does not take its batch neighbours down', async () => {
    hub = await startTestHub();
    const errors: string[] = [];
    const job = publisher({ onError: (e) => errors.push(e.code) });
    const before = job.metadata('a', 1);
    const bad = job.publish('oops', {}, [{ op: 'remove', path: '/nothing/here' }]);
    const after = job.metadata('b', 2);
    await expect(bad).rejects.toMatchObject({ code: ErrorCode.StateConflict });
    await expect(bad).rejects.toBeInstanceOf(HeraldError);
    expect((await before).seq).toBe(1);
    expect((await after).seq).toBe(2);
    await expect(job.flush()).resolves.toBeUndefined(); // flush waits on what is queued now: all settled
    expect(errors).toEqual([ErrorCode.StateConflict]);
    expect(jobView((await hubState(hub.url, 'run:1')).state).job.metadata).toEqual({ a: 1, b: 2 });
  });

  it('surfaces an unauthorized publish as ERR_UNAUTHORIZED without retrying, and flush rejects with it', async () => {
    hub = await startTestHub({ auth: { publisherKeys: ['right'] } });
    const counter = countingFetch();
    const job = publisher({ token: 'wrong', fetch: counter.fetch });
    void job.start();
    await expect(job.flush()).rejects.toMatchObject({ code: ErrorCode.Unauthorized });
    expect(counter.requests()).toBe(1);
  });

  it('refuses calls after close and bad fractions locally, each with a code', async () => {
    hub = await startTestHub();
    const job = publisher();
    await expect(job.progress(Number.NaN)).rejects.toMatchObject({ code: ErrorCode.BadMessage });
    await expect(job.step('X').progress(2)).rejects.toMatchObject({ code: ErrorCode.BadMessage });
    await job.start();
    await job.close();
    await expect(job.complete()).rejects.toMatchObject({ code: ErrorCode.ClientClosed });
    expect((await hubState(hub.url, 'run:1')).seq).toBe(1);
  });

  it('rolls child jobs up into the parent: children/<channel> follows each child, and so does its progress', async () => {
    hub = await startTestHub();
    const parent = publisher({ channel: 'generation:g1' });
    await parent.create();
    void parent.start();
    const a = parent.child('clip:g1-1', { plan: ['RENDER', 'ENCODE'] });
    const b = parent.child('clip:g1-2');
    void a.create();
    void b.create();
    void a.start();
    void a.step('RENDER').start();
    void a.step('RENDER').end();
    void b.start();
    void b.progress(0.5);
    await a.flush();
    await b.flush();
    let view = jobView((await hubState(hub.url, 'generation:g1')).state);
    expect(view.job.children).toEqual({
      'clip:g1-1': { status: 'running', progress: 0.5 },
      'clip:g1-2': { status: 'running', progress: 0.5 },
    });
    expect(view.progress).toBe(0.5);
    void a.complete();
    void b.fail({ code: 'RENDER_TIMEOUT', message: 'took too long', recoverable: true });
    await a.flush();
    await b.flush();
    view = jobView((await hubState(hub.url, 'generation:g1')).state);
    expect(view.job.children).toEqual({
      'clip:g1-1': { status: 'completed', progress: 1 },
      'clip:g1-2': { status: 'failed', progress: 0.5 },
    });
    expect(view.progress).toBe(0.75);
    const child = jobView((await hubState(hub.url, 'clip:g1-1')).state);
    expect(child.job.status).toBe('completed');
    const parentEvents = await history(hub.url, 'generation:g1');
    expect(parentEvents.filter((e) => e.type === 'job.child').at(-1)?.data).toEqual({
      channel: 'clip:g1-2',
      status: 'failed',
      progress: 0.5,
    });
  });
});
