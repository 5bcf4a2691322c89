import {
  checkPublishInput,
  ErrorCode,
  HeraldError,
  isValidChannel,
  type PublishInput,
} from '@herald/protocol';
import type { PublishFn } from './config.js';
import type { HubMetrics } from './metrics.js';
import type { AppendResult, Broker, EventStore } from './store/types.js';

/** Validates a publish (channel, batch size, each event) and throws the matching {@link HeraldError}. */
export function validatePublish(channel: string, inputs: readonly unknown[], maxBatch: number): void {
  if (!isValidChannel(channel)) {
    throw new HeraldError(ErrorCode.BadChannel, 'channel must be 1-128 characters from A-Za-z0-9:_-.');
  }
  if (inputs.length === 0) throw new HeraldError(ErrorCode.BadMessage, 'no events to publish');
  if (inputs.length > maxBatch) {
    throw new HeraldError(ErrorCode.BatchTooLarge, `at most ${maxBatch} events per publish`);
  }
  for (let i = 0; i < inputs.length; i++) {
    const invalid = checkPublishInput(inputs[i]);
    if (invalid)
      throw new HeraldError(
        invalid.code,
        inputs.length > 1 ? `events[${i}]: ${invalid.message}` : invalid.message,
      );
  }
}

/**
 * The one publish path: validate, append to the store, then announce the stored envelopes on the broker.
 * Appends start at once (so stores can group-commit), but announcements for a channel go out in call order,
 * which is seq order, so subscribers never see a channel's events reordered.
 */
export function createPublisher(
  store: EventStore,
  broker: Broker,
  metrics: HubMetrics,
  maxBatch: number,
): PublishFn {
  const tails = new Map<string, Promise<unknown>>();
  return (channel: string, inputs: readonly PublishInput[]): Promise<AppendResult> => {
    let appended: Promise<AppendResult>;
    try {
      validatePublish(channel, inputs, maxBatch);
      appended = store.append(channel, inputs);
    } catch (err) {
      return Promise.reject(err);
    }
    const previous = tails.get(channel);
    const announced = (previous === undefined ? appended : previous.then(() => appended)).then(
      async (result) => {
        metrics.eventsPublished += result.stored.length;
        if (result.stored.length > 0) await broker.publish(channel, result.stored);
        return result;
      },
    );
    const tail = announced.catch(() => undefined);
    tails.set(channel, tail);
    void tail.then(() => {
      if (tails.get(channel) === tail) tails.delete(channel);
    });
    return announced;
  };
}
