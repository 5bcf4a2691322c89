import { createHash } from 'node:crypto';

/**
 * How channels map onto JetStream: one stream per channel, so the stream's own sequence is the channel's
 * seq (contiguous from 1, never reused, kept across restarts and purges). Each event is stored on the
 * subject `<subjectPrefix>.<channel token>.<id token>`, which makes "is this id retained?" a single
 * last-by-subject lookup.
 */
export interface Naming {
  readonly streamPrefix: string;
  readonly subjectPrefix: string;
}

/**
 * A channel name as one NATS token (no `.`), injectively: `_` doubles, `.` becomes `_d`, `:` `_c`. Names
 * that would grow past 200 characters use `_h` and a hash instead (filesystems cap a stream's directory).
 */
export function channelToken(channel: string): string {
  const token = channel.replaceAll('_', '__').replaceAll('.', '_d').replaceAll(':', '_c');
  return token.length <= 200 ? token : `_h${createHash('sha256').update(channel).digest('hex')}`;
}

/** The stream holding `channel`. */
export function streamName(naming: Naming, channel: string): string {
  return `${naming.streamPrefix}${channelToken(channel)}`;
}

/** The subjects of `channel`'s stream. */
export function channelSubjects(naming: Naming, channel: string): string {
  return `${naming.subjectPrefix}.${channelToken(channel)}.*`;
}

/** The subject an event with `id` is stored on: 128 bits of its SHA-256, URL-safe. */
export function eventSubject(naming: Naming, channel: string, id: string): string {
  const hash = createHash('sha256').update(id).digest('base64url').slice(0, 22);
  return `${naming.subjectPrefix}.${channelToken(channel)}.${hash}`;
}

/**
 * The epoch of a stream: derived from its name and creation time, both kept in the stream's stored
 * config, so it survives a NATS restart that keeps storage and changes whenever the stream is recreated.
 */
export function streamEpoch(name: string, created: string): string {
  return createHash('sha256').update(`${name}\n${created}`).digest('base64url').slice(0, 16);
}

/**
 * A stored message's payload: `["id","ts","type"]`, a newline, then the data JSON exactly as published
 * (JSON.stringify never emits a raw newline, so the first one splits them).
 */
export function encodePayload(id: string, ts: string, type: string, dataJson: string): string {
  return `${JSON.stringify([id, ts, type])}\n${dataJson}`;
}

/** The parts of a payload written by {@link encodePayload}. */
export function decodePayload(payload: string): { id: string; ts: string; type: string; dataJson: string } {
  const cut = payload.indexOf('\n');
  const [id, ts, type] = JSON.parse(payload.slice(0, cut)) as [string, string, string];
  return { id, ts, type, dataJson: payload.slice(cut + 1) };
}
