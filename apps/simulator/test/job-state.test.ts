import { type Hub, startHub } from '@herald/hub';
import { jobView, readCollection, type StateBody } from '@herald/protocol';
import {
  ENCODING_STEP,
  GENERATIONS_CHANNEL,
  LYRICS_OUTPUT,
  publishScenarioOnce,
  RUN_ENTRY_TTL_MS,
  RUNS_CHANNEL,
  WORKFLOW_NODES,
} from '@herald/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { history } from './helpers.js';

let hub: Hub;
beforeAll(async () => {
  hub = await startHub({ port: 0, logger: false });
});
afterAll(async () => {
  await hub.close();
});

async function state(channel: string): Promise<StateBody> {
  const res = await fetch(`${hub.url}/v1/channels/${encodeURIComponent(channel)}/state`);
  if (!res.ok) throw new Error(`state ${channel}: HTTP ${res.status}`);
  return (await res.json()) as StateBody;
}

describe('scenarios publish the job vocabulary (GET /state against a real hub)', () => {
  it('a workflow run with the FIX loop: nine planned steps, VALIDATE attempt 2, lyrics streamed whole', async () => {
    const before = Date.now();
    const run = await publishScenarioOnce('workflow', {
      baseUrl: hub.url,
      speed: 50,
      seed: 11,
      fixLoop: true,
      failAtRender: false,
    });
    const body = await state(run.channel);
    const events = await history(hub.url, run.channel);
    expect(body.seq).toBe(events.length);
    const view = jobView(body.state);
    expect(view.job.status).toBe('completed');
    expect(view.isDone).toBe(true);
    expect(view.steps.map((s) => s.name)).toEqual([...WORKFLOW_NODES]);
    expect(view.steps.every((s) => s.status === 'completed')).toBe(true);
    expect(view.job.steps.VALIDATE?.attempt).toBe(2);
    expect(view.job.steps.FIX?.attempt).toBe(1);

    const tokens = events.filter((e) => e.type === 'lyrics.token');
    expect(tokens.length).toBeGreaterThan(20);
    const streamed = tokens.map((e) => (e.data as { text: string }).text).join('');
    expect(view.job.outputs[LYRICS_OUTPUT]).toBe(streamed);
    expect(streamed).toMatch(/^\[Verse/);
    // Tokens sit between LYRICS start and end, in order.
    const lyricsStart = events.findIndex(
      (e) => e.type === 'node.start' && (e.data as { node: string }).node === 'LYRICS',
    );
    expect(events.indexOf(tokens[0] as (typeof events)[number])).toBe(lyricsStart + 1);

    expect(view.job.artifacts.render?.url).toMatch(/^https:\/\/cdn\.meatymusic\.example\//);
    expect(view.job.metadata).toMatchObject({ song_title: expect.any(String), scores: expect.any(Object) });

    const runs = readCollection<{ runId: string; status: string; progress: number }>(
      (await state(RUNS_CHANNEL)).state,
    );
    const entry = runs.entries.find((e) => e.key === run.runId);
    expect(entry?.value).toMatchObject({ runId: run.runId, status: 'completed', progress: 1 });
    expect(entry?.expiresAt).toBeGreaterThanOrEqual(before + RUN_ENTRY_TTL_MS);
  });

  it('a run that passes validation skips FIX; one that fails at RENDER fails with its code', async () => {
    const ok = await publishScenarioOnce('workflow', {
      baseUrl: hub.url,
      speed: 50,
      fixLoop: false,
      failAtRender: false,
    });
    const okView = jobView((await state(ok.channel)).state);
    expect(okView.job.steps.FIX?.status).toBe('skipped');
    expect(okView.job.steps.VALIDATE?.attempt).toBe(1);
    expect(okView.progress).toBe(1);

    const bad = await publishScenarioOnce('workflow', {
      baseUrl: hub.url,
      speed: 50,
      fixLoop: false,
      failAtRender: true,
    });
    const badView = jobView((await state(bad.channel)).state);
    expect(badView.job.status).toBe('failed');
    expect(badView.job.error).toMatchObject({ code: 'RENDER_TIMEOUT', recoverable: true });
    expect(badView.job.steps.RENDER?.status).toBe('failed');
    const runs = readCollection<{ status: string; failedNode: string | null }>(
      (await state(RUNS_CHANNEL)).state,
    );
    expect(runs.entries.find((e) => e.key === bad.runId)?.value).toMatchObject({
      status: 'failed',
      failedNode: 'RENDER',
    });
  });

  it('a video job reports clip steps, encoding frames and ETA through job progress', async () => {
    const job = await publishScenarioOnce('generation', {
      baseUrl: hub.url,
      speed: 50,
      totalClips: 3,
      fail: false,
    });
    const events = await history(hub.url, job.channel);
    // Overall progress rises monotonically over the events that report it.
    const reported: number[] = [];
    for (const e of events) {
      const p = e.state?.find((op) => op.op === 'add' && op.path === '/progress');
      if (p && 'value' in p) reported.push(p.value as number);
    }
    expect(reported).toEqual([...reported].sort((a, b) => a - b));
    expect(reported.at(-1)).toBe(1);
    const etas = events.flatMap((e) =>
      (e.state ?? [])
        .filter((op) => op.path === '/etaAt' && op.op === 'add')
        .map((op) => 'value' in op && op.value),
    );
    expect(etas.some((v) => typeof v === 'string')).toBe(true);

    const view = jobView((await state(job.channel)).state);
    expect(view.job.status).toBe('completed');
    expect(view.steps.map((s) => [s.name, s.status])).toEqual([
      ['Clip 1', 'completed'],
      ['Clip 2', 'completed'],
      ['Clip 3', 'completed'],
      [ENCODING_STEP, 'completed'],
    ]);
    const frames = view.job.metadata.frames as { done: number; total: number };
    expect(frames.done).toBe(frames.total);
    expect(view.job.artifacts.video?.kind).toBe('video');
    expect(Object.keys(view.job.artifacts).filter((k) => k.startsWith('clip-'))).toHaveLength(3);

    const gens = readCollection<{ status: string }>((await state(GENERATIONS_CHANNEL)).state);
    expect(gens.entries.find((e) => e.key === job.generationId)?.value).toMatchObject({
      status: 'completed',
    });
  });

  it('a failing video job fails with a recoverable PROVIDER_TIMEOUT', async () => {
    const job = await publishScenarioOnce('generation', {
      baseUrl: hub.url,
      speed: 50,
      totalClips: 2,
      fail: true,
    });
    const view = jobView((await state(job.channel)).state);
    expect(view.job.status).toBe('failed');
    expect(view.job.error).toEqual({
      code: 'PROVIDER_TIMEOUT',
      message: expect.stringMatching(/timed out on clip/),
      recoverable: true,
    });
    expect(view.steps.some((s) => s.status === 'failed')).toBe(true);
  });
});
