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

/** Where an SSE stream (`GET /v1/channels/{channel}/stream`) starts. */
export interface StreamQuery {
  /** The seq to resume after, or `undefined` for only new events. */
  readonly after: number | undefined;
  /** Whether the stream starts with the channel's state (`?snapshot=1`). */
  readonly snapshot: boolean;
}

const SNAPSHOT_VALUES: Readonly<Record<string, boolean>> = {
  '1': true,
  true: true,
  '0': false,
  false: false,
};

/**
 * The start of an SSE stream: `Last-Event-ID` (an EventSource's reconnect) wins over `?after=`, and an
 * empty header counts as absent (EventSource never sends one; an empty `id:` means "no last event"). A
 * malformed header, a malformed, empty or repeated `after` is `400 ERR_BAD_POSITION`; `snapshot` must be
 * `1`, `true`, `0` or `false`, else `400 ERR_BAD_MESSAGE`. Both are checked even when the header wins.
 */
export function parseStreamQuery(query: URLSearchParams, lastEventId: string | undefined): StreamQuery {
  const afterParam = single(query, 'after', ErrorCode.BadPosition);
  const fromQuery = afterParam === undefined ? undefined : parseSeqParam('after', afterParam, 0);
  const fromHeader =
    lastEventId === undefined || lastEventId === ''
      ? undefined
      : parseSeqParam('Last-Event-ID', lastEventId, 0);
  const snapshotParam = single(query, 'snapshot', ErrorCode.BadMessage);
  let snapshot = false;
  if (snapshotParam !== undefined) {
    if (!Object.hasOwn(SNAPSHOT_VALUES, snapshotParam))
      throw new HeraldError(ErrorCode.BadMessage, 'snapshot must be 1, true, 0 or false');
    snapshot = SNAPSHOT_VALUES[snapshotParam] === true;
  }
  return { after: fromHeader ?? fromQuery, snapshot };
}
