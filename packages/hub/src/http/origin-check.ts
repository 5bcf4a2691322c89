import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '@herald/protocol';
import type { HubContext } from '../context.js';
import { CORS_HEADERS } from './cors.js';
import { errorAnswer } from './errors.js';
import { sendError, sendPreflight } from './node-reply.js';

/** Whether `url` is under the API prefix, where origins are checked and CORS is answered. */
function isApi(url: string): boolean {
  return url.startsWith('/v1/');
}

/**
 * The origin rule of every `/v1/*` request, before any route sees it: a browser origin outside the hub's
 * allow-list is refused with `403 ERR_ORIGIN_NOT_ALLOWED` (so a foreign page cannot publish even with a
 * body the browser sends without a preflight); an allowed one gets its CORS headers set on `res`, which
 * every answer then carries, and a preflight is answered here. Returns `true` when it answered.
 */
export function screenOrigin(ctx: HubContext, req: IncomingMessage, res: ServerResponse): boolean {
  if (!isApi(req.url ?? '')) return false;
  const policy = ctx.auth.origins;
  const origin = req.headers.origin;
  if (policy.variesByOrigin) res.setHeader('vary', 'Origin');
  if (!policy.allows(origin)) {
    ctx.metrics.error(ErrorCode.OriginNotAllowed);
    sendError(
      res,
      errorAnswer(ErrorCode.OriginNotAllowed, `origin ${String(origin).slice(0, 200)} is not allowed`),
    );
    return true;
  }
  for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
  const allowOrigin = policy.allowOrigin(origin);
  if (allowOrigin !== undefined) res.setHeader('access-control-allow-origin', allowOrigin);
  if (policy.credentials && origin !== undefined) res.setHeader('access-control-allow-credentials', 'true');
  if (req.method === 'OPTIONS') {
    sendPreflight(res);
    return true;
  }
  return false;
}
