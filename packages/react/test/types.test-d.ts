import type { Envelope, HeraldError } from '@herald/protocol';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ChannelEventsResult,
  type ConnectionStatusView,
  type JobResult,
  type QueryInvalidator,
  useChannelEvents,
  useChannelFold,
  useConnectionStatus,
  useJob,
} from '../src/index.js';
import { normalizeKeys } from '../src/normalize-keys.js';

describe('public types', () => {
  it('useChannelEvents carries the payload type', () => {
    type Goal = { readonly goal_id: string };
    expectTypeOf(useChannelEvents<Goal>).returns.toEqualTypeOf<ChannelEventsResult<Goal>>();
    expectTypeOf<ChannelEventsResult<Goal>['events']>().toEqualTypeOf<readonly Envelope<Goal>[]>();
    expectTypeOf<ChannelEventsResult['error']>().toEqualTypeOf<HeraldError | null>();
    expectTypeOf<ChannelEventsResult['status']>().toEqualTypeOf<'loading' | 'live' | 'error'>();
  });

  it('status and progress hooks', () => {
    expectTypeOf(useConnectionStatus).returns.toEqualTypeOf<ConnectionStatusView>();
    expectTypeOf<ConnectionStatusView['countdown']>().toEqualTypeOf<number | null>();
    expectTypeOf(useJob).returns.toEqualTypeOf<JobResult>();
    expectTypeOf<JobResult['job']['status']>().toEqualTypeOf<
      'queued' | 'running' | 'completed' | 'failed' | 'cancelled'
    >();
  });

  it('useChannelFold infers its state and payload types from the reducer', () => {
    const sum = (total: number, event: Envelope<{ readonly n: number }>) => total + event.data.n;
    expectTypeOf(useChannelFold('run:1', sum, 0)).toEqualTypeOf<number>();
  });

  it('a TanStack QueryClient-like object fits QueryInvalidator structurally', () => {
    const like = { invalidateQueries: (_filters: { queryKey: readonly unknown[] }) => Promise.resolve() };
    expectTypeOf(like).toMatchTypeOf<QueryInvalidator>();
  });

  it('normalizeKeys maps snake_case keys to camelCase deeply', () => {
    const out = normalizeKeys({ goal_id: 'g', action_items: [{ due_at: 1 }] });
    expectTypeOf(out).toEqualTypeOf<{ goalId: string; actionItems: { dueAt: number }[] }>();
  });
});
