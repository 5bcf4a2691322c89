import { ErrorCode, HeraldError, type HistoryPageBody, MAX_HISTORY_LIMIT } from '@herald/protocol';
import { hubError, knownCode, readJson } from '../hub-error.js';
import { bearer, channelUrl } from '../transports/http.js';
import type { Environment } from '../types.js';

/**
 * `GET /v1/channels/{channel}/events?after=N` with a tab's token: the page of history the leader sends a
 * tab that is behind, and the check that the tab may read the channel. Rejects with a {@link HeraldError}:
 * the hub's code (`ERR_FORBIDDEN`, `ERR_UNAUTHORIZED` …), or `ERR_CONNECTION_LOST` when it cannot be reached.
 */
export async function fetchPage(
  baseUrl: string,
  env: Environment,
  token: string | undefined,
  channel: string,
  after: number,
  limit = MAX_HISTORY_LIMIT,
): Promise<HistoryPageBody> {
  let res: Response;
  try {
    res = await env.fetch(`${channelUrl(baseUrl, channel, 'events')}?after=${after}&limit=${limit}`, {
      headers: bearer(token),
    });
  } catch (cause) {
    throw new HeraldError(ErrorCode.ConnectionLost, `could not read the history of ${channel}`, { cause });
  }
  const body = (await readJson(res)) as HistoryPageBody | null;
  if (res.ok && body) return body;
  const error = hubError(body);
  throw new HeraldError(knownCode(error), error?.message ?? `history answered HTTP ${res.status}`, {
    retryable: res.status > 499 || error?.retryable === true,
  });
}
