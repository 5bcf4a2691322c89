/**
 * Page sizes of the history endpoint `GET /v1/channels/{channel}/events?after=N&limit=M`, which serves both
 * history and the polling fallback (PROTOCOL.md, HTTP API).
 */

/** Events per page when `limit` is omitted. */
export const DEFAULT_HISTORY_LIMIT = 100;

/**
 * Largest `limit` the hub accepts; a larger one is refused with `400 ERR_BAD_POSITION`. A poller that is
 * behind asks for pages of this size until it has caught up.
 */
export const MAX_HISTORY_LIMIT = 1000;
