import type { ScenarioContext } from '../context.js';
import { type ActivityFeed, createActivityFeed } from './activity-feed.js';

/** The PurposePath activity channel for a tenant. */
export function activityChannel(tenantId: string): string {
  return `tenant:${tenantId}:activity`;
}

/** Options for {@link publishActivityBurst}. */
export interface ActivityBurstOptions {
  /** Events to publish. @default 5 */
  readonly count?: number;
  /** @default 't1' */
  readonly tenantId?: string;
  /** Reuse a feed so updates refer to goals and actions from earlier bursts. @default a new feed */
  readonly feed?: ActivityFeed;
  /** Pause between events, in demo ms (divided by speed). @default 2000–5000 */
  readonly gapMs?: readonly [number, number];
}

/** How a burst ended. */
export interface ActivityBurstResult {
  readonly channel: string;
  readonly types: readonly string[];
  readonly stopped: boolean;
}

/** Publishes `count` PurposePath domain events on `tenant:<id>:activity`, pausing between them. */
export async function publishActivityBurst(
  ctx: ScenarioContext,
  options: ActivityBurstOptions = {},
): Promise<ActivityBurstResult> {
  const tenantId = options.tenantId ?? 't1';
  const channel = activityChannel(tenantId);
  const feed = options.feed ?? createActivityFeed(ctx.dice, tenantId);
  const [minGap, maxGap] = options.gapMs ?? [2000, 5000];
  const types: string[] = [];
  for (let i = 0; i < (options.count ?? 5); i++) {
    if (i > 0 && !(await ctx.pacer.sleep(ctx.dice.between(minGap, maxGap))))
      return { channel, types, stopped: true };
    const event = feed.next();
    await ctx.publisher.publish(channel, [event]);
    types.push(event.type);
  }
  return { channel, types, stopped: false };
}
