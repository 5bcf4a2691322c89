import {
  type ClientMessage,
  CloseCode,
  ErrorCode,
  type HelloMessage,
  HeraldError,
  type PublishMessage,
  type RefreshMessage,
  type UnsubscribeMessage,
} from '@herald/protocol';
import { canPublish } from '../auth/principal.js';
import type { Connection } from './connection.js';
import { handleSubscribe } from './subscribe.js';

function reportAsync(conn: Connection, rid: string | undefined, work: Promise<void>): void {
  work.catch((err: unknown) => conn.sendFailure(rid, err));
}

async function hello(conn: Connection, msg: HelloMessage): Promise<void> {
  try {
    const principal = await conn.ctx.auth.authenticate(msg.token);
    conn.accept(principal, msg.requestId);
  } catch (err) {
    const code = err instanceof HeraldError ? err.code : ErrorCode.Internal;
    if (code === ErrorCode.Internal)
      conn.ctx.logger.error({ err, connectionId: conn.id }, 'token check failed');
    conn.sendError(undefined, code, err instanceof HeraldError ? err.message : 'internal error');
    const close =
      code === ErrorCode.TokenExpired
        ? CloseCode.TokenExpired
        : code === ErrorCode.Unauthorized
          ? CloseCode.Unauthorized
          : code === ErrorCode.Forbidden
            ? CloseCode.Forbidden
            : CloseCode.InternalError;
    conn.closeWith(close, code);
  }
}

function unsubscribe(conn: Connection, msg: UnsubscribeMessage): void {
  const sub = conn.subs.get(msg.channel);
  if (sub === undefined) {
    conn.sendError(msg.rid, ErrorCode.NotSubscribed, `not subscribed to ${msg.channel}`);
    return;
  }
  sub.cancel();
  conn.subs.delete(msg.channel);
  conn.ctx.registry.remove(msg.channel, sub);
  conn.sendControl({ type: 'unsubscribed', rid: msg.rid, channel: msg.channel });
}

async function publish(conn: Connection, msg: PublishMessage): Promise<void> {
  const { rid, channel } = msg;
  if (conn.ctx.isDraining()) return conn.sendError(rid, ErrorCode.ShuttingDown, 'hub is draining');
  if (!canPublish(conn.principal, channel)) {
    return conn.sendError(rid, ErrorCode.Forbidden, `not allowed to publish to ${channel}`);
  }
  if (!conn.publishBucket().take())
    return conn.sendError(rid, ErrorCode.RateLimited, 'publish rate exceeded');
  const { results } = await conn.ctx.publish(channel, [msg.event]);
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

/** Routes a parsed client message. Async handlers report their failures as `error` frames. */
export function handleMessage(conn: Connection, msg: ClientMessage): void {
  switch (msg.type) {
    case 'hello':
      if (conn.isOpen) conn.sendError(undefined, ErrorCode.BadMessage, 'hello already received');
      else reportAsync(conn, undefined, hello(conn, msg));
      break;
    case 'subscribe':
      reportAsync(conn, msg.rid, handleSubscribe(conn, msg));
      break;
    case 'unsubscribe':
      unsubscribe(conn, msg);
      break;
    case 'publish':
      reportAsync(conn, msg.rid, publish(conn, msg));
      break;
    case 'refresh':
      reportAsync(conn, msg.rid, refresh(conn, msg));
      break;
    case 'ping':
      conn.sendControl(msg.ts === undefined ? { type: 'pong' } : { type: 'pong', ts: msg.ts });
      break;
    case 'pong':
      conn.pongPending = false;
      break;
  }
}
