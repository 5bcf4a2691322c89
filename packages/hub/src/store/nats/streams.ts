import {
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { firstEpoch } from '../ids.js';
import type { ChannelInfo, RetentionOptions } from '../types.js';
import type { NatsSession } from './connection.js';
import { channelSubjects, type Naming, streamEpoch, streamName } from './naming.js';

/** What every channel stream is created with. */
export interface StreamSettings {
  readonly naming: Naming;
  readonly retention: RetentionOptions;
  readonly duplicateWindowMs: number;
  readonly replicas: number;
}

const MS = 1_000_000; // JetStream durations are in nanoseconds
const STREAM_NOT_FOUND = 10059;

/**
 * A stream's description: the channel's real name (for trim(), changedSince() and people listing streams)
 * and, on a line of its own, the generation the stream was created in, from which its epoch derives.
 * Streams made before generations have the name alone.
 */
function streamDescription(channel: string, generation: string): string {
  return `${channel}\n${generation}`;
}

/** The channel a stream's description names (see {@link streamDescription}). */
export function describedChannel(description: string): string {
  const cut = description.indexOf('\n');
  return cut === -1 ? description : description.slice(0, cut);
}

/** The limits a channel's stream carries: history retention is the stream's own. */
export function streamConfig(
  settings: StreamSettings,
  channel: string,
  generation: string,
): Partial<StreamConfig> & { name: string } {
  const { retention } = settings;
  return {
    name: streamName(settings.naming, channel),
    description: streamDescription(channel, generation),
    subjects: [channelSubjects(settings.naming, channel)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msgs: retention.maxCount,
    max_age: retention.maxAgeMs * MS,
    // Whole stored messages (payload, id, ts, type and subject), not the payload alone.
    max_bytes: retention.maxBytes,
    // JetStream refuses a duplicate window longer than max_age.
    duplicate_window: Math.min(settings.duplicateWindowMs, retention.maxAgeMs) * MS,
    num_replicas: settings.replicas,
  };
}

/** True for the API error JetStream answers about a stream that does not exist. */
export function isStreamNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND;
}

/**
 * Makes sure `channel`'s stream exists with the current limits (updating one created with other limits,
 * its description and so its epoch kept) and returns its info. A new stream is created in the current
 * `generation` (asked for afresh, since a missing stream may mean the server lost its storage). Creating is
 * idempotent, so nodes racing to create one stream agree.
 */
export async function ensureStream(
  session: NatsSession,
  settings: StreamSettings,
  channel: string,
  generation: (fresh: boolean) => Promise<string>,
): Promise<StreamInfo> {
  const name = streamName(settings.naming, channel);
  try {
    const info = await session.jsm.streams.info(name);
    const c = info.config;
    const config = streamConfig(settings, channel, '');
    if (
      c.max_msgs === config.max_msgs &&
      c.max_age === config.max_age &&
      c.max_bytes === config.max_bytes &&
      c.duplicate_window === config.duplicate_window
    ) {
      return info;
    }
    const { name: _, storage: __, retention: ___, ...changeable } = config;
    return await session.jsm.streams.update(name, { ...changeable, description: c.description ?? channel });
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    return session.jsm.streams.add(streamConfig(settings, channel, await generation(true)));
  }
}

/**
 * The stream holding the store's generation: empty, named so that no channel's stream can be (channel
 * tokens never start with `_g`), on a subject outside the event subjects. Its creation time is the
 * generation: it changes when the server loses its storage, and with it the epoch of every new stream.
 */
export async function ensureGeneration(session: NatsSession, naming: Naming): Promise<string> {
  const name = `${naming.streamPrefix}_g`;
  try {
    return (await session.jsm.streams.info(name)).created;
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    const info = await session.jsm.streams.add({
      name,
      description: 'herald: the generation of the epochs of this prefix; keep it with the streams',
      storage: StorageType.File,
    });
    return info.created;
  }
}

/** A stream's state as the store reports a channel's. */
export function channelInfo(info: StreamInfo): ChannelInfo {
  const { state, config } = info;
  const description = config.description ?? '';
  const cut = description.indexOf('\n');
  return {
    epoch:
      cut === -1
        ? streamEpoch(config.name, info.created)
        : firstEpoch(description.slice(cut + 1), description.slice(0, cut)),
    lastSeq: state.last_seq,
    firstSeq: state.messages === 0 ? state.last_seq + 1 : state.first_seq,
  };
}
