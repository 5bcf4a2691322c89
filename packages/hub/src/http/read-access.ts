import { ErrorCode, HeraldError } from '@herald/protocol';
import type { HonoRequest } from 'hono';
import { bearer } from '../auth/authenticator.js';
import { canSubscribe, type Principal } from '../auth/principal.js';
import { assertChannel } from '../channel-name.js';
import type { HubContext } from '../context.js';

/**
 * Who may read a channel over HTTP (history, polling, SSE, state): the `Authorization: Bearer` credential,
 * else a `?token=` query value (EventSource cannot set headers), else the session cookie when the hub has
 * one (`cookie` is the `Cookie` header). Rejects with the credential's error or `ERR_FORBIDDEN`.
 */
export async function authorizeRead(
  ctx: HubContext,
  channel: string,
  authorization: string | undefined | null,
  tokenQuery: string | undefined | null,
  cookie?: string | undefined | null,
): Promise<Principal> {
  const explicit = bearer(authorization) ?? (tokenQuery || undefined);
  const principal = await ctx.auth.authenticate(explicit ?? ctx.auth.sessionToken(cookie));
  if (!canSubscribe(principal, channel))
    throw new HeraldError(ErrorCode.Forbidden, `not allowed to read ${channel}`);
  return principal;
}

/**
 * The `:channel` of a Hono read route (SSE, state), checked and authorized with the request's
 * credentials as {@link authorizeRead} takes them. Rejects with `ERR_BAD_CHANNEL` or the credential's error.
 */
export async function authorizeRouteRead(ctx: HubContext, req: HonoRequest): Promise<string> {
  const channel = req.param('channel') ?? '';
  assertChannel(channel);
  await authorizeRead(ctx, channel, req.header('authorization'), req.query('token'), req.header('cookie'));
  return channel;
}
