import { ErrorCode } from './codes.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js';
import type { ClientMessage, ServerMessage } from './messages.js';
import {
  bad,
  checkChannel,
  checkPublishInput,
  checkRid,
  checkSince,
  type Invalid,
  isRecord,
  isSeq,
  isShortString,
} from './validate.js';

/** The result of parsing a frame: the message, or a coded failure (with `rid` when one could be read). */
export type ParseResult<T> =
  | { readonly ok: true; readonly message: T }
  | { readonly ok: false; readonly error: Invalid & { readonly rid?: string } };

const CLIENT_CHECKS: Record<ClientMessage['type'], (m: Record<string, unknown>) => Invalid | undefined> = {
  hello: (m) => {
    if (m.token !== undefined && !isShortString(m.token, 16_384)) return bad('hello.token must be a string');
    if (m.client !== undefined && !isShortString(m.client, 128)) return bad('hello.client must be a string');
    if (m.requestId !== undefined && !isShortString(m.requestId, 128))
      return bad('hello.requestId must be a string of 1-128 characters');
    return undefined;
  },
  subscribe: (m) =>
    checkRid(m.rid) ??
    checkChannel(m.channel) ??
    (m.since === undefined ? undefined : checkSince(m.since)) ??
    (m.snapshot === undefined || typeof m.snapshot === 'boolean'
      ? undefined
      : bad('subscribe.snapshot must be a boolean')),
  unsubscribe: (m) => checkRid(m.rid) ?? checkChannel(m.channel),
  publish: (m) => checkRid(m.rid) ?? checkChannel(m.channel) ?? checkPublishInput(m.event),
  refresh: (m) =>
    checkRid(m.rid) ?? (isShortString(m.token, 16_384) ? undefined : bad('refresh.token required')),
  ping: checkHeartbeat,
  pong: checkHeartbeat,
};

function checkHeartbeat(m: Record<string, unknown>): Invalid | undefined {
  return m.ts === undefined || typeof m.ts === 'number' ? undefined : bad('ts must be a number');
}

function readJson(raw: string): ParseResult<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, error: { code: ErrorCode.BadJson, message: 'frame is not valid JSON' } };
  }
  if (!isRecord(value)) return { ok: false, error: bad('a message must be a JSON object') };
  if (typeof value.type !== 'string') return { ok: false, error: bad('message.type must be a string') };
  return { ok: true, message: value };
}

/** Validates an already-decoded value as a client message. */
export function validateClientMessage(m: Record<string, unknown>): ParseResult<ClientMessage> {
  const check = Object.hasOwn(CLIENT_CHECKS, m.type as string)
    ? CLIENT_CHECKS[m.type as ClientMessage['type']]
    : undefined;
  const rid = ridOf(m);
  if (!check) {
    const error = {
      code: ErrorCode.UnknownType,
      message: `unknown message type "${String(m.type).slice(0, 40)}"`,
    };
    return { ok: false, error: rid === undefined ? error : { ...error, rid } };
  }
  const invalid = check(m);
  if (invalid) return { ok: false, error: rid === undefined ? invalid : { ...invalid, rid } };
  return { ok: true, message: m as unknown as ClientMessage };
}

/** The `rid` of a decoded message, when it has a well-formed one (error replies carry it). */
function ridOf(m: Record<string, unknown>): string | undefined {
  return typeof m.rid === 'string' && m.rid.length <= 64 ? m.rid : undefined;
}

/**
 * Parses and validates a frame a client sent. Never throws. A frame nested deeper than
 * {@link MAX_JSON_DEPTH} is refused with `ERR_TOO_DEEP` (and its `rid`, when it has one) before any
 * validation walks it: `JSON.parse` copes with any depth, what would come after it may not. The hub's own
 * frames need no such check, so {@link parseServerMessage} (the client's) skips it.
 */
export function parseClientMessage(raw: string): ParseResult<ClientMessage> {
  const json = readJson(raw);
  if (!json.ok) return json;
  if (exceedsJsonDepth(raw)) {
    const error = { code: ErrorCode.TooDeep, message: `frame nests deeper than ${MAX_JSON_DEPTH} levels` };
    const rid = ridOf(json.message);
    return { ok: false, error: rid === undefined ? error : { ...error, rid } };
  }
  return validateClientMessage(json.message);
}

const SERVER_TYPES: ReadonlySet<string> = new Set([
  'welcome',
  'subscribed',
  'snapshot',
  'unsubscribed',
  'events',
  'ack',
  'refresh_required',
  'refreshed',
  'drain',
  'error',
  'ping',
  'pong',
]);

const isString = (v: unknown): v is string => typeof v === 'string';

/** What a hub message of type `m.type` lacks of the fields the client reads unchecked, if anything. */
function missingServerFields(m: Record<string, unknown>): string | undefined {
  switch (m.type) {
    case 'events':
      return Array.isArray(m.events) &&
        m.events.every((e) => isRecord(e) && isString(e.channel) && isSeq(e.seq) && isString(e.id))
        ? undefined
        : 'events: an array of envelopes {channel, seq, id, ts, type, data}';
    case 'subscribed':
      return isString(m.epoch) && isSeq(m.lastSeq) ? undefined : 'epoch and lastSeq';
    case 'snapshot':
      return isString(m.channel) && isString(m.epoch) && isSeq(m.seq) && 'state' in m
        ? undefined
        : 'channel, epoch, seq and state';
    case 'ack':
      return isSeq(m.seq) && isString(m.rid) ? undefined : 'rid and seq';
    case 'error':
      return isString(m.code) ? undefined : 'a code';
  }
  return undefined;
}

/** Validates an already-decoded value as a hub message (shape checks the client relies on). */
export function validateServerMessage(m: Record<string, unknown>): ParseResult<ServerMessage> {
  if (!SERVER_TYPES.has(m.type as string)) {
    return {
      ok: false,
      error: { code: ErrorCode.UnknownType, message: `unknown message type "${String(m.type)}"` },
    };
  }
  const missing = missingServerFields(m);
  return missing
    ? { ok: false, error: bad(`${m.type} needs ${missing}`) }
    : { ok: true, message: m as unknown as ServerMessage };
}

/** Parses and validates a frame the hub sent. Never throws. */
export function parseServerMessage(raw: string): ParseResult<ServerMessage> {
  const json = readJson(raw);
  return json.ok ? validateServerMessage(json.message) : json;
}

/** Serialises a client message after validating it, so a client bug fails loudly before it reaches the wire. */
export function stringifyClientMessage(message: ClientMessage): string {
  const checked = validateClientMessage(message as unknown as Record<string, unknown>);
  if (!checked.ok) throw new TypeError(`${checked.error.code}: ${checked.error.message}`);
  return JSON.stringify(message);
}

/** Serialises a hub message after validating it. */
export function stringifyServerMessage(message: ServerMessage): string {
  const checked = validateServerMessage(message as unknown as Record<string, unknown>);
  if (!checked.ok) throw new TypeError(`${checked.error.code}: ${checked.error.message}`);
  return JSON.stringify(message);
}

/**
 * Builds an `events` frame from envelopes that were each JSON-encoded once. The hub encodes an event once
 * per broadcast and reuses the string for every subscriber, and concatenates several when a subscriber is
 * behind, so one frame carries many events.
 */
export function encodeEventsFrame(encodedEnvelopes: readonly string[]): string {
  return `{"type":"events","events":[${encodedEnvelopes.join(',')}]}`;
}
