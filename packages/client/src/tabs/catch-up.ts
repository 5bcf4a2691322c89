import { type HistoryPageBody, planResume, type ServerMessage } from '@herald/protocol';
import { loadPolling } from '../transports/choice.js';
import type { Environment } from '../types.js';
import { fetchPage } from './http.js';
import { beginCatchUp, goLive, type TabRoute } from './route.js';

/** What catching one tab up on one channel needs. */
export interface CatchUpContext {
  readonly baseUrl: string;
  readonly env: Environment;
  readonly channel: string;
  /** The tab's token: the history is read with the tab's rights, not the leader's. */
  readonly token: string | undefined;
  /** The leader's last seq on the channel (its own subscription is live). */
  readonly feedSeq: number;
  /** Sends to the tab. */
  send(message: ServerMessage): void;
  /** Whether the tab still wants the channel (an `await` may outlive it). */
  alive(): boolean;
}

/**
 * Answers a tab's `subscribe` the way the hub would, from the hub's HTTP API with the tab's token, while
 * the leader's one subscription carries the live events (buffered meanwhile): the resume rule decides
 * `recovered` (PROTOCOL.md), a tab asking for state gets the snapshot when it is not resuming, and the
 * events it misses come from the history before the buffered live ones, each seq once. Returns false
 * when the tab stopped wanting the channel meanwhile. Rejects (the hub's code) only before `subscribed`
 * was sent; a page failing after it ends the catch-up where it got, and the tab's client, seeing the hole
 * in the live events, subscribes again from its position.
 */
export async function catchUp(ctx: CatchUpContext, route: TabRoute): Promise<boolean> {
  const { channel, send, alive, since } = { ...ctx, since: route.since };
  const page = (after: number, limit?: number) =>
    fetchPage(ctx.baseUrl, ctx.env, ctx.token, channel, after, limit);
  beginCatchUp(route);
  // The first read is also the check that the tab may read the channel at all.
  let next: HistoryPageBody | null = await page(since?.seq ?? ctx.feedSeq, since ? undefined : 1);
  if (!alive()) return false;
  const plan = planResume(next, since);
  let cursor: number;
  if (route.snapshot && !(since && plan.recovered)) {
    const { fetchState } = await loadPolling();
    const state = await fetchState(ctx.baseUrl, ctx.env, ctx.token, channel);
    if (!alive()) return false;
    const { epoch, seq } = state;
    send({ type: 'subscribed', rid: route.rid, channel, epoch, lastSeq: seq, recovered: plan.recovered });
    send({ ...state, type: 'snapshot' });
    cursor = seq;
    next = null;
  } else {
    const { epoch, lastSeq } = next;
    send({ type: 'subscribed', rid: route.rid, channel, epoch, lastSeq, recovered: plan.recovered });
    cursor = plan.from;
  }
  try {
    for (;;) {
      next ??= await page(cursor);
      if (!alive()) return false;
      const events = next.events.filter((e) => e.seq > cursor);
      const last = events[events.length - 1];
      if (last) {
        send({ type: 'events', events });
        cursor = last.seq;
      }
      // Up to the hub's last seq when asked, which is at least the leader's: the buffer has the rest.
      if (!last || cursor >= next.lastSeq) break;
      next = null;
    }
  } catch {
    // Ends here; see above.
  }
  if (!alive()) return false;
  const rest = goLive(route, cursor);
  if (rest.length) send({ type: 'events', events: rest });
  return true;
}
