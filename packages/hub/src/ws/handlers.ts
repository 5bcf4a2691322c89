import {
  type ClientMessage,
  ErrorCode,
  type HelloMessage,
  HeraldError,
  type PublishMessage,
  type RefreshMessage,
  type SnapshotMessage,
  type SubscribeMessage,
  type UnsubscribeMessage,
} from '@herald/protocol';
import { canSubscribe } from '../auth/principal.js';
import type { ChannelState } from '../store/types.js';
import type { Connection } from './connection.js';

/** Runs a request; a failure, thrown at once or rejected later, is answered as an `error` frame. */
function request(conn: Connection, rid: string | undefined, work: () => Promise<void> | void): void {
  try {
    work()?.catch((err: unknown) => conn.sendFailure(rid, err));
  } catch (err) {
    conn.sendFailure(rid, err);
  }
}

async function hello(conn: Connection, msg: HelloMessage): Promise<void> {
  try {
    // An explicit token wins over the session cookie: it is what the app chose for this connection.
    const cookieToken = conn.takeCookieToken();
    const principal = await conn.ctx.auth.authenticate(msg.token || cookieToken);
    conn.accept(principal, msg.requestId);
  } catch (err) {
    const code = err instanceof HeraldError ? err.code : ErrorCode.Internal;
    if (code === ErrorCode.Internal)
      conn.ctx.logger.error({ err, connectionId: conn.id }, 'token check failed');
    conn.fail(code, err instanceof HeraldError ? err.message : 'internal error', code);
  }
}

/**
 * `subscribe`: authorize, then the peer replays and goes live; `subscribed` answers once the plan is known.
 * With `snapshot: true` a `snapshot` message follows it when the hub serves the state instead of history.
 */
function subscribe(conn: Connection, msg: SubscribeMessage): Promise<void> {
  const { rid, channel } = msg;
  if (!canSubscribe(conn.principal, channel))
    throw new HeraldError(ErrorCode.Forbidden, `not allowed to subscribe to ${channel}`);
  const snapshot =
    msg.snapshot === true
      ? ({ epoch, seq, state }: ChannelState): string => {
          const frame: SnapshotMessage = { type: 'snapshot', channel, epoch, seq, state };
          return JSON.stringify(frame);
        }
      : undefined;
  return conn.peer.subscribe(
    channel,
    msg.since,
    (extent, plan) =>
      conn.sendControl({
        type: 'subscribed',
        rid,
        channel,
        epoch: extent.epoch,
        lastSeq: extent.lastSeq,
        recovered: plan.recovered,
      }),
    snapshot,
  );
}

function unsubscribe(conn: Connection, msg: UnsubscribeMessage): void {
  if (!conn.peer.unsubscribe(msg.channel))
    throw new HeraldError(ErrorCode.NotSubscribed, `not subscribed to ${msg.channel}`);
  conn.sendControl({ type: 'unsubscribed', rid: msg.rid, channel: msg.channel });
}

async function publish(conn: Connection, msg: PublishMessage): Promise<void> {
  const { rid, channel } = msg;
  const { results } = await conn.ctx.publisher.publish({
    channel,
    authenticate: () => conn.principal,
    events: () => [msg.event],
    connectionBucket: conn.publishBucket(),
  });
  const r = results[0];
  if (r === undefined) throw new Error('store returned no result');
  conn.sendControl({
    type: 'ack',
    rid,
    channel,
    id: r.id,
    seq: r.seq,
    ...(r.duplicate ? { duplicate: true } : {}),
  });
}

async function refresh(conn: Connection, msg: RefreshMessage): Promise<void> {
  try {
    const next = await conn.ctx.auth.refresh(conn.principal, msg.token);
    if (conn.isClosed) return;
    conn.refreshed(next);
    conn.sendControl({ type: 'refreshed', rid: msg.rid, tokenExpiresAt: next.exp });
  } catch (err) {
    if (err instanceof HeraldError && err.code === ErrorCode.Internal) throw err;
    conn.sendError(msg.rid, ErrorCode.Unauthorized, err instanceof HeraldError ? err.message : 'bad token');
  }
}

/** Routes a parsed client message. Every failure is answered as an `error` frame with the request's rid. */
export function handleMessage(conn: Connection, msg: ClientMessage): void {
  switch (msg.type) {
    case 'hello':
      if (conn.isOpen) conn.sendError(undefined, ErrorCode.BadMessage, 'hello already received');
      else request(conn, undefined, () => hello(conn, msg));
      break;
    case 'subscribe':
      request(conn, msg.rid, () => subscribe(conn, msg));
      break;
    case 'unsubscribe':
      request(conn, msg.rid, () => unsubscribe(conn, msg));
      break;
    case 'publish':
      request(conn, msg.rid, () => publish(conn, msg));
      break;
    case 'refresh':
      request(conn, msg.rid, () => refresh(conn, msg));
      break;
    case 'ping':
      conn.sendControl(msg.ts === undefined ? { type: 'pong' } : { type: 'pong', ts: msg.ts });
      break;
    case 'pong':
      // Any inbound frame already counts as the answer to a hub ping (Connection.receive).
      break;
  }
}
