import { checkPublishInput, ErrorCode, HeraldError, type PublishInput } from '@herald/protocol';
import { canPublish, type Principal } from './auth/principal.js';
import { assertChannel } from './channel-name.js';
import type { ChannelRegistry } from './channels.js';
import type { ResolvedConfig } from './config.js';
import { envelopeBytes, forgetInputJson, surelyFits } from './envelope-json.js';
import { PublishLimiter } from './limits/publish-limiter.js';
import type { TokenBucket } from './limits/token-bucket.js';
import type { HubMetrics } from './metrics.js';
import { stateOpsJson } from './store/state-fold.js';
import type { AppendResult, Broker, EventStore } from './store/types.js';

/** One publish by a peer, over HTTP or WebSocket. */
export interface PublishRequest {
  /** Who publishes: called once the channel passed (HTTP checks the bearer credential here). */
  readonly authenticate: () => Principal | Promise<Principal>;
  /** The target channel, as the caller named it (checked here). */
  readonly channel: string;
  /**
   * The events, still unchecked. Called only once the publisher is admitted, so HTTP reads its body
   * after the credentials and the channel passed.
   */
  readonly events: () => unknown[] | Promise<unknown[]>;
  /** The publishing WebSocket connection's bucket; HTTP has none (see {@link PublishLimiter}). */
  readonly connectionBucket?: TokenBucket | undefined;
}

/** What {@link Publisher} needs from the hub. */
export interface PublisherDeps {
  readonly config: ResolvedConfig;
  readonly store: EventStore;
  readonly broker: Broker;
  readonly registry: ChannelRegistry;
  readonly metrics: HubMetrics;
  readonly isDraining: () => boolean;
}

/**
 * The one publish path, for the HTTP route, the WebSocket `publish` message and {@link Hub.publish}:
 * admit (draining, channel, permission) → validate → rate-limit → append to the store → announce on the
 * broker → the broker hands every node's copy to its local fan-out ({@link ChannelRegistry.broadcast}).
 */
export class Publisher {
  /** The rate rule; connections take their bucket from it. */
  readonly limiter: PublishLimiter;
  /** The previous announcement per channel, so announcements leave in seq order. */
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly stopFanOut: () => void;

  constructor(private readonly deps: PublisherDeps) {
    this.limiter = new PublishLimiter(deps.config.limits);
    const stopEnvelopes = deps.broker.onEnvelopes((channel, envelopes, epoch) =>
      deps.registry.broadcast(channel, envelopes, epoch),
    );
    // After a broker reconnect, quiet channels catch up (or find their reset) without waiting for an event.
    const stopResync = deps.broker.onResync?.(() => deps.registry.recheck());
    this.stopFanOut = () => {
      stopEnvelopes();
      stopResync?.();
    };
  }

  /**
   * Publishes for a peer. Rejects with a {@link HeraldError} naming the first rule the request broke, in
   * this order: `ERR_SHUTTING_DOWN`, `ERR_BAD_CHANNEL`, the credential's error, `ERR_FORBIDDEN`, the body's
   * errors, `ERR_BAD_MESSAGE`/`ERR_BATCH_TOO_LARGE`/`ERR_EVENT_TOO_LARGE`, `ERR_RATE_LIMITED` (invalid
   * events cost no tokens).
   */
  async publish(req: PublishRequest): Promise<AppendResult> {
    const { channel } = req;
    if (this.deps.isDraining()) throw new HeraldError(ErrorCode.ShuttingDown, 'hub is draining');
    assertChannel(channel);
    const principal = await req.authenticate();
    if (!canPublish(principal, channel))
      throw new HeraldError(ErrorCode.Forbidden, `not allowed to publish to ${channel}`);
    const events = await req.events();
    this.validate(channel, events);
    try {
      this.limiter.take(principal, req.connectionBucket, events.length);
    } catch (err) {
      forgetInputJson(events);
      throw err;
    }
    // Awaited rather than returned: resolving this async function with a promise costs two more hops.
    return await this.append(channel, events);
  }

  /** Publishes from inside the process (trusted: no permission, rate or drain check). */
  publishTrusted(channel: string, events: readonly unknown[]): Promise<AppendResult> {
    try {
      assertChannel(channel);
      this.validate(channel, events);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.append(channel, events);
  }

  /** Stops handing broker announcements to the local fan-out. */
  stop(): void {
    this.stopFanOut();
  }

  private validate(channel: string, events: readonly unknown[]): asserts events is readonly PublishInput[] {
    const { maxBatch, maxEventBytes } = this.deps.config.limits;
    if (events.length === 0) throw new HeraldError(ErrorCode.BadMessage, 'no events to publish');
    if (events.length > maxBatch)
      throw new HeraldError(ErrorCode.BatchTooLarge, `at most ${maxBatch} events per publish`);
    for (let i = 0; i < events.length; i++) {
      const invalid = checkPublishInput(events[i]);
      if (invalid)
        throw new HeraldError(
          invalid.code,
          events.length > 1 ? `events[${i}]: ${invalid.message}` : invalid.message,
        );
    }
    // Only once every event is well formed: measuring encodes each payload (the store reuses the JSON).
    for (let i = 0; i < events.length; i++) {
      const input = events[i] as PublishInput;
      const stateJson = stateOpsJson(input);
      if (surelyFits(channel, input, stateJson, maxEventBytes)) continue;
      const bytes = envelopeBytes(channel, input, stateJson);
      if (bytes > maxEventBytes) {
        forgetInputJson(events as readonly PublishInput[]);
        const which = events.length > 1 ? `events[${i}]: ` : '';
        throw new HeraldError(
          ErrorCode.EventTooLarge,
          `${which}event is ${bytes} bytes as an envelope, over the event limit of ${maxEventBytes}`,
        );
      }
    }
  }

  /**
   * Appends start at once (so stores can group-commit), but announcements for a channel go out in call
   * order, which is seq order, so subscribers never see a channel's events reordered. Only a channel with
   * an announcement still pending keeps a tail. A publish costs one callback pair on its append (on the
   * channel's previous tail first when there is one) and one on the broker's publish; each settles the
   * tail itself once this announcement is out (or failed), so no further link waits for it.
   */
  private append(channel: string, events: readonly PublishInput[]): Promise<AppendResult> {
    const { store, broker, metrics } = this.deps;
    let appended: Promise<AppendResult>;
    try {
      appended = store.append(channel, events);
    } catch (err) {
      forgetInputJson(events);
      return Promise.reject(err);
    }
    const previous = this.tails.get(channel);
    // Runs once this publish's broker call settled: a later publish of the channel may announce now.
    const forget = (): void => {
      if (this.tails.get(channel) === announced) this.tails.delete(channel);
    };
    const failed = (err: unknown): never => {
      forget();
      throw err;
    };
    const announce = (result: AppendResult): AppendResult | Promise<AppendResult> => {
      forgetInputJson(events);
      metrics.eventsPublished += result.stored.length;
      if (result.stored.length === 0) {
        forget();
        return result;
      }
      let sent: Promise<void>;
      try {
        sent = broker.publish(channel, result.stored, result.epoch);
      } catch (err) {
        return failed(err);
      }
      return sent.then(() => {
        forget();
        return result;
      }, failed);
    };
    const appendFailed = (err: unknown): never => {
      forgetInputJson(events);
      return failed(err);
    };
    // A failed earlier publish must not fail this one: wait for it either way.
    const after = () => appended;
    const announced = (previous === undefined ? appended : previous.then(after, after)).then(
      announce,
      appendFailed,
    );
    this.tails.set(channel, announced);
    return announced;
  }
}
