import { ErrorCode, HeraldError } from '@herald/protocol';
import { bearer } from '../auth/authenticator.js';
import { canSubscribe, type Principal } from '../auth/principal.js';
import type { HubContext } from '../context.js';

/**
 * Who may read a channel over HTTP (history, polling, SSE): the `Authorization: Bearer` credential, else a
 * `?token=` query value (EventSource cannot set headers). Rejects with the credential's error or
 * `ERR_FORBIDDEN`.
 */
export async function authorizeRead(
  ctx: HubContext,
  channel: string,
  authorization: string | undefined | null,
  tokenQuery: string | undefined | null,
): Promise<Principal> {
  const principal = await ctx.auth.authenticate(bearer(authorization) ?? tokenQuery);
  if (!canSubscribe(principal, channel))
    throw new HeraldError(ErrorCode.Forbidden, `not allowed to read ${channel}`);
  return principal;
}
