import { type Hub, startHub } from '@herald/hub';
import { GENERATIONS_CHANNEL, publishScenarioOnce } from '@herald/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { history } from './helpers.js';

let hub: Hub;
beforeAll(async () => {
  hub = await startHub({ port: 0, logger: false });
});
afterAll(async () => {
  await hub.close();
});

describe('generation and activity scenarios against a real hub', () => {
  it('publishes a generation job: clips, encoding with ETA, completed', async () => {
    const job = await publishScenarioOnce('generation', {
      baseUrl: hub.url,
      speed: 50,
      totalClips: 3,
      fail: false,
    });
    expect(job.status).toBe('completed');
    const events = await history(hub.url, job.channel);
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'clip_completed')).toHaveLength(3);
    expect(types.at(-2)).toBe('completed');
    expect(events.at(-1)).toMatchObject({ type: 'status_change', data: { new_status: 'completed' } });
    const progress = events
      .filter((e) => e.type === 'progress')
      .map((e) => (e.data as { percentage: number }).percentage);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(100);
    const encoding = events.find((e) => e.type === 'encoding_progress')?.data;
    expect(encoding).toMatchObject({ total_frames: expect.any(Number), eta_seconds: expect.any(Number) });
    const index = (await history(hub.url, GENERATIONS_CHANNEL)).map((e) => e.type);
    expect(index).toEqual(['generation.started', 'generation.finished']);
  });

  it('publishes a failing generation job with a recoverable error', async () => {
    const job = await publishScenarioOnce('generation', {
      baseUrl: hub.url,
      speed: 50,
      totalClips: 2,
      fail: true,
    });
    expect(job.status).toBe('failed');
    const events = await history(hub.url, job.channel);
    expect(events.find((e) => e.type === 'error')?.data).toMatchObject({
      code: 'PROVIDER_TIMEOUT',
      recoverable: true,
    });
    expect(events.some((e) => e.type === 'completed')).toBe(false);
  });

  it('publishes snake_case PurposePath domain events on the tenant activity channel', async () => {
    const burst = await publishScenarioOnce('activity', { baseUrl: hub.url, speed: 50, seed: 3, count: 12 });
    expect(burst.channel).toBe('tenant:t1:activity');
    const events = await history(hub.url, burst.channel);
    expect(events.map((e) => e.type)).toEqual(burst.types);
    expect(events[0]?.type).toBe('goal.created');
    for (const e of events) {
      expect(e.type).toMatch(/^(goal|action|issue|kpi)\.[a-z_]+$/);
      expect(e.data).toMatchObject({ tenant_id: 't1' });
      for (const key of Object.keys(e.data as object)) expect(key).toMatch(/^[a-z0-9_]+$/);
    }
  });
});
