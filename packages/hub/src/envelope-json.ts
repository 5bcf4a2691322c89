import type { Envelope, JsonValue, StateOp } from '@herald/protocol';

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
    JSON.stringify(envelope.seq) +
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
