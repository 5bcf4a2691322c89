import type { Envelope } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { activityKey, describeActivity, POST_TYPE } from '../src/lib/activity.js';

const envelope = (type: string, data: Record<string, unknown>): Envelope =>
  ({
    channel: 'tenant:t1:activity',
    seq: 4,
    id: 'x',
    ts: '2026-01-01T00:00:00.000Z',
    type,
    data,
  }) as Envelope;

describe('describeActivity', () => {
  it('normalises snake_case payloads to camelCase, nested objects included', () => {
    const item = describeActivity(
      envelope('goal.updated', {
        goal_id: 'goal_1',
        title: 'Ship offline mode',
        changes: { progress_percent: 40 },
        updated_by_name: 'Ana Ruiz',
      }),
    );
    expect(item.data).toEqual({
      goalId: 'goal_1',
      title: 'Ship offline mode',
      changes: { progressPercent: 40 },
      updatedByName: 'Ana Ruiz',
    });
    expect(item).toMatchObject({
      kind: 'goal',
      actor: 'Ana Ruiz',
      summary: '“Ship offline mode” is now 40% complete',
    });
  });

  it('describes action status changes and KPI readings in words', () => {
    const action = describeActivity(
      envelope('action.status_changed', {
        title: 'Draft brief',
        old_status: 'not_started',
        new_status: 'in_progress',
      }),
    );
    expect(action.summary).toBe('“Draft brief” moved from not started to in progress');
    const kpi = describeActivity(
      envelope('kpi.updated', {
        name: 'NRR',
        previous_value: 107.7,
        current_value: 108.1,
        unit: '%',
        target_value: 115,
      }),
    );
    expect(kpi).toMatchObject({ kind: 'kpi', summary: 'NRR: 107.7 → 108.1 % (target 115)', actor: null });
  });

  it('falls back to the event type for unknown events', () => {
    expect(describeActivity(envelope('decision.created', {}))).toMatchObject({
      kind: 'other',
      summary: 'decision.created',
    });
  });

  it('describes a post from this dashboard, also before the hub has it (no seq, no time)', () => {
    const post = describeActivity({
      id: 'local-1',
      seq: null,
      ts: null,
      type: POST_TYPE,
      data: { tenant_id: 't1', activity_id: 'act_1', text: 'Kickoff went well', author_name: 'You' },
    });
    expect(post).toMatchObject({ kind: 'goal', summary: 'Kickoff went well', actor: 'You', seq: null });
  });
});

describe('activityKey (the feed keyOf)', () => {
  it('keys a creation by the entity it creates, every other event by its own id', () => {
    const created = (type: string, data: Record<string, unknown>, id = 'e') =>
      activityKey({ id, type, data: data as Envelope['data'] });
    expect(created('goal.created', { goal_id: 'goal_1' })).toBe('goal.created:goal_1');
    // The same goal created here and echoed by the backend under another id: one key.
    expect(created('goal.created', { goal_id: 'goal_1' }, 'other')).toBe('goal.created:goal_1');
    expect(created('action.created', { action_id: 'act_9' })).toBe('action.created:act_9');
    expect(created(POST_TYPE, { activity_id: 'act_1' })).toBe(`${POST_TYPE}:act_1`);
    expect(created('goal.updated', { goal_id: 'goal_1' })).toBeNull();
    expect(created('goal.created', {})).toBeNull();
  });
});
