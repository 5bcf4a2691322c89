import type { Envelope, JsonValue, Position } from './envelope.js';
import type { ErrorBody } from './errors.js';
import type { HistoryExtent } from './resume.js';

/** The outcome of one published event, in an HTTP publish answer and (with `rid`) a WebSocket `ack`. */
export interface PublishResult {
  readonly id: string;
  readonly seq: number;
  /** True when the id had been stored before and nothing new was stored; the hub omits it otherwise. */
  readonly duplicate?: boolean;
}

/** `201` answer of `POST /v1/channels/{channel}/events`: one result per event, in request order. */
export interface PublishResponseBody {
  readonly events: readonly PublishResult[];
}

/**
 * `200` answer of `GET /v1/channels/{channel}/events`: a page of history plus the channel's extent, named
 * as on WebSocket (`lastSeq`, `firstSeq`). `last_seq` and `first_seq` are the same values under their
 * first names, kept for existing readers; `first_seq` is 0 when nothing is retained.
 */
export interface HistoryPageBody extends HistoryExtent {
  readonly channel: string;
  readonly events: readonly Envelope[];
  /** @deprecated Same as `lastSeq`. */
  readonly last_seq: number;
  /** @deprecated The oldest retained seq, 0 when nothing is retained; `firstSeq` is `lastSeq + 1` then. */
  readonly first_seq: number;
}

/**
 * `200` answer of `GET /v1/channels/{channel}/state`: the channel's state document with the position of the
 * last event folded into it (`seq` 0 and `{}` for a channel without state). The same fields as a WebSocket
 * `snapshot` message, without its `type`.
 */
export interface StateBody extends Position {
  readonly channel: string;
  readonly state: JsonValue;
}

/** Every HTTP error answer: `{error: {code, message, retryable}}` with the code's status. */
export interface ErrorResponseBody {
  readonly error: ErrorBody;
}

/** Builds a history page body from the channel's extent and the events read. */
export function historyPage(
  channel: string,
  extent: HistoryExtent,
  events: readonly Envelope[],
): HistoryPageBody {
  const { epoch, firstSeq, lastSeq } = extent;
  return {
    channel,
    epoch,
    events,
    lastSeq,
    firstSeq,
    last_seq: lastSeq,
    first_seq: firstSeq > lastSeq ? 0 : firstSeq,
  };
}

/** Builds a publish result: `duplicate` appears only when true, as on the wire. */
export function publishResult(id: string, seq: number, duplicate: boolean): PublishResult {
  return duplicate ? { id, seq, duplicate } : { id, seq };
}
