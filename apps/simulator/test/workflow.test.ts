import { type Hub, startHub } from '@herald/hub';
import { publishScenarioOnce, RUNS_CHANNEL } from '@herald/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { history, nodeTrail } from './helpers.js';

let hub: Hub;
beforeAll(async () => {
  hub = await startHub({ port: 0, logger: false });
});
afterAll(async () => {
  await hub.close();
});

describe('workflow scenario against a real hub', () => {
  it('publishes a complete run with the FIX loop, in order', async () => {
    const run = await publishScenarioOnce('workflow', {
      baseUrl: hub.url,
      speed: 50,
      seed: 7,
      fixLoop: true,
      failAtRender: false,
    });
    expect(run.status).toBe('completed');

    const events = await history(hub.url, run.channel);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events).toHaveLength(run.events);
    expect(events[0]?.type).toBe('run.started');
    expect(events.at(-1)?.type).toBe('run.completed');
    expect(events.at(-1)?.data).toMatchObject({ run_id: run.runId, status: 'completed' });

    const steps = [
      'PLAN',
      'STYLE',
      'LYRICS',
      'PRODUCER',
      'COMPOSE',
      'VALIDATE',
      'FIX',
      'VALIDATE',
      'RENDER',
      'REVIEW',
    ];
    expect(nodeTrail(events)).toEqual(steps.flatMap((n) => [`${n}:start`, `${n}:end`]));

    const validations = events.filter(
      (e) => e.type === 'node.end' && (e.data as { node: string }).node === 'VALIDATE',
    );
    expect(validations.map((e) => (e.data as { metrics: { passed: boolean } }).metrics.passed)).toEqual([
      false,
      true,
    ]);
    const first = validations[0]?.data as { scores: Record<string, number>; issues: unknown[] };
    expect(first.scores.total).toBeLessThan(0.8);
    expect(Object.keys(first.scores)).toEqual(
      expect.arrayContaining([
        'hook_density',
        'singability',
        'rhyme_tightness',
        'section_completeness',
        'total',
      ]),
    );
    expect(first.issues.length).toBeGreaterThan(0);

    const render = events.find(
      (e) => e.type === 'node.end' && (e.data as { node: string }).node === 'RENDER',
    );
    expect(render?.data).toMatchObject({ artifacts: { render_url: expect.stringMatching(/^https:\/\//) } });

    const index = (await history(hub.url, RUNS_CHANNEL)).filter(
      (e) => (e.data as { run_id: string }).run_id === run.runId,
    );
    expect(index.map((e) => e.type)).toEqual(['run.started', 'run.completed']);
  });

  it('ends a run that fails at RENDER with node.fail and a failed run.completed', async () => {
    const run = await publishScenarioOnce('workflow', {
      baseUrl: hub.url,
      speed: 50,
      fixLoop: false,
      failAtRender: true,
    });
    expect(run.status).toBe('failed');
    const events = await history(hub.url, run.channel);
    expect(nodeTrail(events).slice(-2)).toEqual(['RENDER:start', 'RENDER:fail']);
    expect(nodeTrail(events)).not.toContain('FIX:start');
    expect(events.at(-1)).toMatchObject({
      type: 'run.completed',
      data: { run_id: run.runId, status: 'failed', failed_node: 'RENDER' },
    });
  });
});
