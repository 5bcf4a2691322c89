import {
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
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

/** The limits a channel's stream carries: history retention is the stream's own. */
export function streamConfig(
  settings: StreamSettings,
  channel: string,
): Partial<StreamConfig> & { name: string } {
  const { retention } = settings;
  return {
    name: streamName(settings.naming, channel),
    // The channel's real name, for trim() and for people listing streams.
    description: channel,
    subjects: [channelSubjects(settings.naming, channel)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msgs: retention.maxCount,
    max_age: retention.maxAgeMs * MS,
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
 * Makes sure `channel`'s stream exists with the current limits (updating one created with other limits)
 * and returns its info. Creating is idempotent, so nodes racing to create one stream agree.
 */
export async function ensureStream(
  session: NatsSession,
  settings: StreamSettings,
  channel: string,
): Promise<StreamInfo> {
  const config = streamConfig(settings, channel);
  try {
    const info = await session.jsm.streams.info(config.name);
    const c = info.config;
    if (
      c.max_msgs === config.max_msgs &&
      c.max_age === config.max_age &&
      c.duplicate_window === config.duplicate_window
    ) {
      return info;
    }
    const { name: _, storage: __, retention: ___, ...changeable } = config;
    return await session.jsm.streams.update(config.name, changeable);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    return session.jsm.streams.add(config);
  }
}

/** A stream's state as the store reports a channel's. */
export function channelInfo(info: StreamInfo): ChannelInfo {
  const { state } = info;
  return {
    epoch: streamEpoch(info.config.name, info.created),
    lastSeq: state.last_seq,
    firstSeq: state.messages === 0 ? state.last_seq + 1 : state.first_seq,
  };
}
