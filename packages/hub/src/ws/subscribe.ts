import { CloseCode, ErrorCode, HeraldError, type SubscribeMessage } from '@herald/protocol';
import { canSubscribe } from '../auth/principal.js';
import { splitBatch } from '../encoded-batch.js';
import { planResume, replayRange } from '../replay.js';
import { Subscription } from '../subscription.js';
import type { Connection } from './connection.js';

// Replay pages are queued in slices of this size, waiting for the peer to drain in between, so a large
// replay never trips the slow-consumer limit of a peer that is reading.
const REPLAY_SLICE_BYTES = 32 * 1024;

/**
 * `subscribe`: registers for live events first (held while replaying), answers `subscribed`, replays from the
 * store in pages, then releases the held live events after the last replayed seq: no gap, no duplicate.
 */
export async function handleSubscribe(conn: Connection, msg: SubscribeMessage): Promise<void> {
  const { rid, channel, since } = msg;
  const { ctx } = conn;
  if (!canSubscribe(conn.principal, channel)) {
    return conn.sendError(rid, ErrorCode.Forbidden, `not allowed to subscribe to ${channel}`);
  }
  if (conn.subs.has(channel))
    return conn.sendError(rid, ErrorCode.AlreadySubscribed, `already subscribed to ${channel}`);
  if (conn.subs.size >= ctx.config.limits.maxChannelsPerConnection) {
    return conn.sendError(rid, ErrorCode.TooManyChannels, 'too many channels on this connection');
  }
  const sub = new Subscription(conn, channel);
  conn.subs.set(channel, sub);
  ctx.registry.add(channel, sub);
  try {
    const plan = planResume(await ctx.store.info(channel), since);
    if (!sub.active) return;
    sub.lastSeq = plan.from;
    conn.sendControl({
      type: 'subscribed',
      rid,
      channel,
      epoch: plan.info.epoch,
      lastSeq: plan.info.lastSeq,
      recovered: plan.recovered,
    });
    await replayRange(ctx.store, channel, plan.from, plan.info.lastSeq, async (page) => {
      for (const slice of splitBatch(page, REPLAY_SLICE_BYTES)) {
        if (!sub.active) return false;
        conn.enqueueBatch(sub, slice);
        await conn.writable();
      }
      return sub.active;
    });
    sub.goLive();
  } catch (err) {
    if (!sub.active) return;
    sub.cancel();
    conn.subs.delete(channel);
    ctx.registry.remove(channel, sub);
    if (err instanceof HeraldError && err.code === ErrorCode.BadPosition) {
      // `subscribed` already promised a full replay; closing makes the client resume and see the gap.
      ctx.logger.warn({ channel }, 'history trimmed during replay; closing so the client resumes');
      conn.closeWith(CloseCode.InternalError, 'history trimmed during replay');
      return;
    }
    conn.sendFailure(rid, err);
  }
}
