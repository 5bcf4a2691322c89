import type { Envelope, JsonValue, PublishInput, StateOp } from '@herald/protocol';
import { MINTED_ID_LENGTH } from './store/ids.js';

/**
 * The JSON of each envelope's `data` as a store already encoded it. Kept beside the envelope rather than
 * on it so the envelope's shape (and every `JSON.stringify` / equality check of it) stays untouched.
 */
const dataJsonOf = new WeakMap<Envelope, string>();

/**
 * Records `json` as the encoding of `envelope.data`, so {@link encodeEnvelope} reuses it instead of
 * stringifying the payload again. `json` must equal `JSON.stringify(envelope.data)`.
 */
export function attachDataJson(envelope: Envelope, json: string): Envelope {
  dataJsonOf.set(envelope, json);
  return envelope;
}

/** The JSON of `envelope.data`: the store's encoding when one was attached, else encoded now. */
export function envelopeDataJson(envelope: Envelope): string {
  return dataJsonOf.get(envelope) ?? JSON.stringify(envelope.data ?? null);
}

/** The JSON of each published input's `data`, encoded once: the size check and the store share it. */
const inputJsonOf = new WeakMap<PublishInput, string>();

/**
 * `JSON.stringify(input.data ?? null)`, encoded once per publish: the publish path measures the event with
 * it and the store then writes the same string instead of stringifying the payload a second time.
 */
export function inputDataJson(input: PublishInput): string {
  let json = inputJsonOf.get(input);
  if (json === undefined) {
    json = JSON.stringify(input.data ?? null);
    inputJsonOf.set(input, json);
  }
  return json;
}

/**
 * Forgets the encodings of a publish's inputs once it is stored, so a caller that publishes the same
 * object again after changing its data is encoded afresh.
 */
export function forgetInputJson(inputs: readonly PublishInput[]): void {
  for (const input of inputs) inputJsonOf.delete(input);
}

/**
 * Bytes of an encoded envelope besides its channel, id, type, data and state: the keys and punctuation, a
 * seq of 16 digits and a 24-character ISO `ts` in quotes (98), rounded up.
 */
const ENVELOPE_FIELD_BYTES = 112;

/** The JSON bytes of the id of an event published without one (as the stores draw it, in quotes). */
const GENERATED_ID_BYTES = MINTED_ID_LENGTH + 2;

/**
 * The most UTF-8 bytes `input` takes as an envelope of `channel` (an upper bound: seq and ts at their
 * longest): what every transport must be able to send in one piece.
 */
export function envelopeBytes(channel: string, input: PublishInput, stateJson: string | null): number {
  return (
    ENVELOPE_FIELD_BYTES +
    Buffer.byteLength(inputDataJson(input)) +
    Buffer.byteLength(JSON.stringify(channel)) +
    Buffer.byteLength(JSON.stringify(input.type)) +
    (input.id === undefined ? GENERATED_ID_BYTES : Buffer.byteLength(JSON.stringify(input.id))) +
    (stateJson === null ? 0 : Buffer.byteLength(stateJson))
  );
}

/**
 * Whether `input` surely fits in `maxBytes` as an envelope of `channel`, judged from lengths alone: a
 * string's UTF-16 unit takes at most 6 bytes of JSON (`\u001f`) and already encoded JSON at most 3 UTF-8
 * bytes a unit. Lets the publish path skip {@link envelopeBytes}' exact count (encoding channel, type and
 * id again, and counting each one's bytes) for the usual small event; `false` only means "count exactly".
 */
export function surelyFits(
  channel: string,
  input: PublishInput,
  stateJson: string | null,
  maxBytes: number,
): boolean {
  const bound =
    ENVELOPE_FIELD_BYTES +
    3 * inputDataJson(input).length +
    6 * (channel.length + input.type.length) +
    4 +
    (input.id === undefined ? GENERATED_ID_BYTES : 6 * input.id.length + 2) +
    (stateJson === null ? 0 : 3 * stateJson.length);
  return bound <= maxBytes;
}

/**
 * `JSON.stringify(envelope)` built by concatenation: the small string fields are stringified on their own
 * and the payload comes from the store's encoding when one was attached (the payload is the costly part).
 * Field order is the envelope's: channel, seq, id, ts, type, data, then `state` when the event carried
 * operations.
 */
export function encodeEnvelope(envelope: Envelope): string {
  const data = dataJsonOf.get(envelope) ?? (JSON.stringify(envelope.data) as string | undefined);
  // `undefined` data has no JSON; let JSON.stringify drop the key exactly as it always did.
  if (data === undefined) return JSON.stringify(envelope);
  return (
    '{"channel":' +
    JSON.stringify(envelope.channel) +
    ',"seq":' +
    String(envelope.seq) + // an integer: its JSON is its decimal string
    ',"id":' +
    JSON.stringify(envelope.id) +
    ',"ts":' +
    JSON.stringify(envelope.ts) +
    ',"type":' +
    JSON.stringify(envelope.type) +
    ',"data":' +
    data +
    (envelope.state === undefined ? '}' : `,"state":${JSON.stringify(envelope.state)}}`)
  );
}

/**
 * An envelope read back from a store whose payload is parsed only when someone reads `data`: replay sends
 * the stored JSON as is (via {@link encodeEnvelope}) and never needs the parsed value. `stateJson` is the
 * event's stored state operations, if it carried any.
 */
export function storedEnvelope(
  channel: string,
  seq: number,
  id: string,
  ts: string,
  type: string,
  dataJson: string,
  stateJson?: string | null,
): Envelope {
  let parsed: { value: JsonValue } | undefined;
  const envelope: Envelope = {
    channel,
    seq,
    id,
    ts,
    type,
    get data(): JsonValue {
      parsed ??= { value: JSON.parse(dataJson) as JsonValue };
      return parsed.value;
    },
    ...(stateJson == null ? {} : { state: JSON.parse(stateJson) as readonly StateOp[] }),
  };
  return attachDataJson(envelope, dataJson);
}
