import { DEFAULT_HISTORY_LIMIT, ErrorCode, HeraldError, MAX_HISTORY_LIMIT } from '@herald/protocol';

/** A seq in a query or header: decimal digits only (no sign, space, fraction or exponent). */
const SEQ_TEXT = /^\d{1,16}$/;

/**
 * Parses a non-negative integer query value (`after`, `limit`, `Last-Event-ID`). Absent (`undefined` or
 * `null`) gives `fallback`; anything else, the empty string included, must be a safe integer ≥ 0, else
 * `ERR_BAD_POSITION`.
 */
export function parseSeqParam(name: string, raw: string | undefined | null, fallback: number): number {
  if (raw === undefined || raw === null) return fallback;
  const n = SEQ_TEXT.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new HeraldError(ErrorCode.BadPosition, `${name} must be a non-negative integer`);
  }
  return n;
}

/** The one value of query parameter `name`, or `undefined` when absent; given twice, it is refused with `code`. */
function single(query: URLSearchParams, name: string, code: ErrorCode): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw new HeraldError(code, `${name} must be given at most once`);
  return values[0];
}

/** What a history read (`GET /v1/channels/{channel}/events`) asks for. */
export interface HistoryQuery {
  /** Events with a seq above this. */
  readonly after: number;
  /** At most this many events. */
  readonly limit: number;
}

/**
 * The `after` (default 0) and `limit` (default {@link DEFAULT_HISTORY_LIMIT}, 1 to
 * {@link MAX_HISTORY_LIMIT}) of a history read, as PROTOCOL.md documents them: a malformed, empty or
 * repeated value is `400 ERR_BAD_POSITION`. Other parameters are ignored.
 */
export function parseHistoryQuery(query: URLSearchParams): HistoryQuery {
  const after = parseSeqParam('after', single(query, 'after', ErrorCode.BadPosition), 0);
  const limit = parseSeqParam('limit', single(query, 'limit', ErrorCode.BadPosition), DEFAULT_HISTORY_LIMIT);
  if (limit < 1 || limit > MAX_HISTORY_LIMIT) {
    throw new HeraldError(ErrorCode.BadPosition, `limit must be 1-${MAX_HISTORY_LIMIT}`);
  }
  return { after, limit };
}

/** Where an SSE stream (`GET /v1/channels/{channel}/stream`) starts, and how it is framed. */
export interface StreamQuery {
  /** The seq to resume after, or `undefined` for only new events. */
  readonly after: number | undefined;
  /** The epoch of `after` (`?epoch=`): a position of another epoch is not resumed. */
  readonly epoch: string | undefined;
  /** Whether the stream starts with the channel's state (`?snapshot=1`). */
  readonly snapshot: boolean;
  /** Herald's client framing (`?announce=1`): `event: subscribed` first, envelopes as `message`, `event: ping`. */
  readonly announce: boolean;
}

const FLAG_VALUES: Readonly<Record<string, boolean>> = {
  '1': true,
  true: true,
  '0': false,
  false: false,
};

/** A boolean query flag: `1`, `true`, `0` or `false` (absent: false), else `ERR_BAD_MESSAGE`. */
function flag(query: URLSearchParams, name: string): boolean {
  const raw = single(query, name, ErrorCode.BadMessage);
  if (raw === undefined) return false;
  if (!Object.hasOwn(FLAG_VALUES, raw))
    throw new HeraldError(ErrorCode.BadMessage, `${name} must be 1, true, 0 or false`);
  return FLAG_VALUES[raw] === true;
}

/**
 * The start of an SSE stream: `Last-Event-ID` (an EventSource's reconnect) wins over `?after=`, and an
 * empty header counts as absent (EventSource never sends one; an empty `id:` means "no last event"). A
 * malformed header, a malformed, empty or repeated `after`, or an `epoch` that is not 1-64 characters or is
 * repeated is `400 ERR_BAD_POSITION`; `snapshot` and `announce` must be `1`, `true`, `0` or `false`, else
 * `400 ERR_BAD_MESSAGE`. All are checked even when the header wins.
 */
export function parseStreamQuery(query: URLSearchParams, lastEventId: string | undefined): StreamQuery {
  const afterParam = single(query, 'after', ErrorCode.BadPosition);
  const fromQuery = afterParam === undefined ? undefined : parseSeqParam('after', afterParam, 0);
  const fromHeader =
    lastEventId === undefined || lastEventId === ''
      ? undefined
      : parseSeqParam('Last-Event-ID', lastEventId, 0);
  const epoch = single(query, 'epoch', ErrorCode.BadPosition);
  if (epoch !== undefined && (epoch.length < 1 || epoch.length > 64))
    throw new HeraldError(ErrorCode.BadPosition, 'epoch must be 1-64 characters');
  return {
    after: fromHeader ?? fromQuery,
    epoch,
    snapshot: flag(query, 'snapshot'),
    announce: flag(query, 'announce'),
  };
}
