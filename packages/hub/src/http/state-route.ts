import { ErrorCode, type StateBody } from '@herald/protocol';
import type { HttpBindings } from '@hono/node-server';
import type { Hono } from 'hono';
import type { HubContext } from '../context.js';
import { errorResponse } from './errors.js';
import { authorizeRouteRead } from './read-access.js';

type Env = { Bindings: HttpBindings };

/** The answer of `GET /v1/channels/{channel}/state`: the store's consistent state read, as a body. */
export async function readStateBody(ctx: HubContext, channel: string): Promise<StateBody> {
  const { epoch, seq, state } = await ctx.store.state(channel);
  return { channel, epoch, seq, state };
}

/**
 * `GET /v1/channels/{channel}/state` → `200 {channel, epoch, seq, state}` (PROTOCOL.md, "Channel state"),
 * readable by whoever may read the channel's history. A store without state answers `501
 * ERR_STATE_UNSUPPORTED` (its HeraldError goes to the app's error handler).
 */
export function registerStateRoute(app: Hono<Env>, ctx: HubContext): void {
  app.get('/v1/channels/:channel/state', async (c) => {
    const channel = await authorizeRouteRead(ctx, c.req);
    const body = await readStateBody(ctx, channel);
    c.header('cache-control', 'no-store');
    return c.json(body, 200);
  });
  app.all('/v1/channels/:channel/state', () => {
    ctx.metrics.error(ErrorCode.MethodNotAllowed);
    return errorResponse(ErrorCode.MethodNotAllowed, 'method not allowed', { allow: 'GET, HEAD' });
  });
}
