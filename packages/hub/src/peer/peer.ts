import { randomUUID } from 'node:crypto';
import {
  CloseCode,
  ErrorCode,
  HeraldError,
  type HistoryExtent,
  planResume,
  type ResumePlan,
  type SincePosition,
} from '@herald/protocol';
import type { HubContext } from '../context.js';
import { type EncodedBatch, splitBatch } from '../encoded-batch.js';
import type { Flushable } from '../flush-scheduler.js';
import { HistoryResetError, replayRange } from '../replay.js';
import type { ChannelState } from '../store/types.js';
import { PeerSubscription, type SubscriptionSink } from './peer-subscription.js';
import { SendQueue, wireBytes } from './send-queue.js';
import type { HubSocket, PeerFraming } from './socket.js';

// Replay pages are queued in slices of this size, waiting for the peer to drain in between, so a large
// replay never trips the slow-consumer limit of a peer that is reading.
const REPLAY_SLICE_BYTES = 32 * 1024;
/** How long a closed slow consumer gets to read its close frame before the socket is destroyed. */
const SLOW_CLOSE_GRACE_MS = 5_000;
/**
 * Reply bytes (answers to the client's own frames: errors, acks, `subscribed`…) a peer may hold before it
 * stops reading its client. Replies never count toward `maxBufferedBytes`: a client that pipelines
 * thousands of refused requests while it reads is not a slow consumer, and cutting it would only make it
 * send them again. What bounds them instead is input: past this budget the peer pauses the socket's
 * reading until its output drained to the low-water mark, so the client's own TCP window holds its next
 * requests. A client that sends and never reads thus costs about this budget plus the replies to the
 * frames already read (one socket read), until its unread pong closes it with 4001.
 */
const REPLY_BUDGET_BYTES = 128 * 1024;

/**
 * Called once a subscription's resume position is known, before anything is replayed. `snapshot` says
 * whether a snapshot follows (then an unrecovered plan is not a gap: the state replaces the history).
 */
export type AnnounceFn = (extent: HistoryExtent, plan: ResumePlan, snapshot: boolean) => void;

/**
 * Called with the channel's state after {@link AnnounceFn}, when the subscription asked for a snapshot and
 * gets one; it returns the encoded snapshot frame, which the peer sends before the events after its seq.
 */
export type SnapshotFn = (snapshot: ChannelState) => string;

/** Reads of state and position tried before giving up when history keeps moving past the state read. */
const SNAPSHOT_ATTEMPTS = 5;

/**
 * One subscriber on the other end of a socket, whatever the transport: its channel subscriptions, their
 * replay-then-live, its ordered send queue and the send-buffer limit (a slow consumer is cut), and its
 * cleanup. WebSocket connections and SSE streams are thin adapters over it.
 */
export class Peer implements Flushable, SubscriptionSink {
  /** Hub-assigned id (sent in `welcome`, used in logs). */
  readonly id = randomUUID();
  /** @inheritdoc */
  flushScheduled = false;
  private readonly subs = new Map<string, PeerSubscription>();
  private readonly queue: SendQueue;
  /** Bytes of live events held while subscriptions replay. */
  private pendingBytes = 0;
  /**
   * Bytes of a snapshot written to the socket that do not count against the send-buffer limit until the
   * socket drained (a state may be as large as the limit itself).
   */
  private exemptBytes = 0;
  /**
   * Reply bytes queued or written that may still wait in the socket's buffer (an upper bound: clamped to
   * everything held, see {@link Peer.repliesHeld}). Exempt from the send-buffer limit.
   */
  private replyBytes = 0;
  /** Whether reading from the client is paused because too many replies wait ({@link REPLY_BUDGET_BYTES}). */
  private inputPaused = false;
  private closed = false;

  /**
   * @param onClosed - Called once, when the peer closes (by either side).
   */
  constructor(
    private readonly ctx: HubContext,
    private readonly socket: HubSocket,
    private readonly framing: PeerFraming,
    private readonly onClosed: () => void,
  ) {
    this.queue = new SendQueue(framing);
  }

  /** Whether the peer is closed (or being closed). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes this peer holds in hub memory (send queue plus live events held during replays). */
  get heldBytes(): number {
    return this.queue.bytes + this.pendingBytes;
  }

  // ---- subscriptions ----------------------------------------------------------------------------

  /**
   * Subscribes to `channel`: registers for live events first (held while replaying), plans the resume
   * from `since` and tells `announce`, replays from the store in slices that wait for the socket to
   * drain, then releases the held live events after the last replayed seq: no gap, no duplicate.
   * Throws at once `ERR_ALREADY_SUBSCRIBED` or `ERR_TOO_MANY_CHANNELS`; the promise rejects when the
   * store fails (a history trimmed mid-replay closes the peer instead, so the client resumes and sees it).
   *
   * With `snapshot`, a subscription without `since` (or whose `since` cannot be resumed) gets the channel's
   * state at seq S after `announce` instead of a gap, then exactly the events after S: the same
   * replay-then-live, resumed from S (`recovered` is true without `since`, false for an unresumable one).
   * A store without state rejects with `ERR_STATE_UNSUPPORTED` before anything is announced.
   */
  subscribe(
    channel: string,
    since: SincePosition | undefined,
    announce: AnnounceFn,
    snapshot?: SnapshotFn,
  ): Promise<void> {
    if (this.subs.has(channel))
      throw new HeraldError(ErrorCode.AlreadySubscribed, `already subscribed to ${channel}`);
    if (this.subs.size >= this.ctx.config.limits.maxChannelsPerConnection)
      throw new HeraldError(ErrorCode.TooManyChannels, 'too many channels on this connection');
    const sub = new PeerSubscription(this, channel, snapshot);
    this.subs.set(channel, sub);
    this.ctx.registry.add(channel, sub);
    return this.replayThenLive(sub, since, announce, snapshot);
  }

  /**
   * The channel's state and a history extent from which the events after the state's seq can be replayed.
   * The state is read first: every event after its seq is then either in the extent or arrives live.
   */
  private async readSnapshot(
    channel: string,
  ): Promise<{ snapshot: ChannelState; extent: HistoryExtent } | undefined> {
    const { store } = this.ctx;
    for (let attempt = 1; attempt <= SNAPSHOT_ATTEMPTS; attempt++) {
      const snapshot = await store.state(channel);
      const extent = await store.info(channel);
      // Retention (or a reset) may have moved past the state's seq between the two reads: read again.
      if (planResume(extent, { epoch: snapshot.epoch, seq: snapshot.seq }).recovered)
        return { snapshot, extent };
    }
    return undefined;
  }

  private async replayThenLive(
    sub: PeerSubscription,
    since: SincePosition | undefined,
    announce: AnnounceFn,
    onSnapshot: SnapshotFn | undefined,
  ): Promise<void> {
    const { store } = this.ctx;
    try {
      let extent = await store.info(sub.channel);
      if (!sub.isActive) return;
      let plan = planResume(extent, since);
      let snapshotFrame: string | undefined;
      if (onSnapshot !== undefined && (since === undefined || !plan.recovered)) {
        const read = await this.readSnapshot(sub.channel);
        if (!sub.isActive) return;
        if (read === undefined)
          throw new HeraldError(ErrorCode.Internal, `history of ${sub.channel} kept moving past its state`);
        extent = read.extent;
        plan = { recovered: since === undefined, from: read.snapshot.seq };
        snapshotFrame = onSnapshot(read.snapshot);
      }
      sub.startAfter(plan.from, extent.epoch);
      announce(extent, plan, snapshotFrame !== undefined);
      if (snapshotFrame !== undefined) {
        this.sendLarge(snapshotFrame);
        await this.writable();
        this.exemptBytes = 0;
        if (!sub.isActive) return;
      }
      const replay = async (page: EncodedBatch): Promise<boolean> => {
        for (const slice of splitBatch(page, REPLAY_SLICE_BYTES)) {
          if (!sub.isActive) return false;
          sub.forward(slice);
          await this.writable();
        }
        return sub.isActive;
      };
      const { maxPageBytes } = this.ctx.config.limits;
      await replayRange(store, sub.channel, plan.from, extent.lastSeq, replay, extent.epoch, maxPageBytes);
      sub.goLive();
    } catch (err) {
      if (!sub.isActive) return;
      if (err instanceof HistoryResetError && this.framing.reset !== undefined) {
        this.restartInPlace(sub, this.framing.reset);
        return;
      }
      this.drop(sub);
      if (err instanceof HeraldError && err.code === ErrorCode.BadPosition) {
        // The announce already promised a full replay; closing makes the client resume and see the gap
        // (or, for a reset history, `recovered: false`: the epoch it resumes from is gone).
        this.ctx.logger.warn(
          { channel: sub.channel, reason: err.message },
          'history changed during replay; closing so the client resumes',
        );
        this.close(CloseCode.InternalError, 'history changed during replay');
        return;
      }
      throw err;
    }
  }

  /** @inheritdoc */
  historyReset(sub: PeerSubscription): void {
    if (this.closed || this.subs.get(sub.channel) !== sub) return;
    if (this.framing.reset !== undefined) {
      this.restartInPlace(sub, this.framing.reset);
      return;
    }
    // The client resumes from its last position; that epoch is gone, so it is answered `recovered: false`
    // and raises its gap, then goes on in the new history. Other channels resume with nothing missing.
    this.close(CloseCode.InternalError, 'history reset');
  }

  /**
   * Subscribes `old`'s channel again on this peer from the start of its current history, for a transport
   * that tells a reset in band (SSE, whose reconnect position carries no epoch, so a close could mix two
   * histories). The transport's reset frame goes first, unless a snapshot of the new history replaces it.
   */
  private restartInPlace(old: PeerSubscription, reset: NonNullable<PeerFraming['reset']>): void {
    const { channel, snapshot } = old;
    this.drop(old);
    const sub = new PeerSubscription(this, channel, snapshot);
    this.subs.set(channel, sub);
    this.ctx.registry.add(channel, sub);
    const announce: AnnounceFn = (extent, plan, withSnapshot) => {
      if (!withSnapshot) this.send(reset(channel, extent.epoch, plan.from));
    };
    this.replayThenLive(sub, snapshot === undefined ? { seq: 0 } : undefined, announce, snapshot).catch(
      (err: unknown) => {
        this.ctx.logger.warn({ err, channel }, 'replay after a history reset failed; closing');
        this.close(CloseCode.InternalError, 'replay failed');
      },
    );
  }

  /** Ends the subscription to `channel`. Returns false when there was none. */
  unsubscribe(channel: string): boolean {
    const sub = this.subs.get(channel);
    if (sub === undefined) return false;
    this.drop(sub);
    return true;
  }

  private drop(sub: PeerSubscription): void {
    sub.cancel();
    this.subs.delete(sub.channel);
    this.ctx.registry.remove(sub.channel, sub);
  }

  // ---- output -----------------------------------------------------------------------------------

  /** Queues an encoded control frame, in order with event batches. */
  send(data: string): void {
    if (this.closed) return;
    this.queue.pushControl(data);
    this.ctx.scheduler.mark(this);
  }

  /**
   * Queues a reply to the client's own frames, in order with event batches. Replies do not count toward
   * the send-buffer limit; past {@link REPLY_BUDGET_BYTES} of them the peer stops reading its client until
   * its output drained, so they stay bounded without cutting a client that reads.
   */
  sendReply(data: string): void {
    if (this.closed) return;
    this.queue.pushControl(data);
    this.replyBytes += data.length;
    this.ctx.scheduler.mark(this);
    if (
      !this.inputPaused &&
      this.replyBytes > REPLY_BUDGET_BYTES &&
      this.repliesHeld(this.socket.bufferedAmount) > REPLY_BUDGET_BYTES
    )
      void this.pauseInputUntilDrained();
  }

  /**
   * Reply bytes that may still be queued or in the socket's buffer: never more than everything held there,
   * so the count falls back to 0 whenever the output is empty.
   */
  private repliesHeld(socketBytes: number): number {
    const held = this.queue.bytes + socketBytes;
    if (this.replyBytes > held) this.replyBytes = held;
    return this.replyBytes;
  }

  private async pauseInputUntilDrained(): Promise<void> {
    const { socket } = this;
    if (socket.pauseInput === undefined) return;
    this.inputPaused = true;
    socket.pauseInput();
    await this.writable();
    this.repliesHeld(socket.bufferedAmount);
    // cleanup() resumes a peer that closed meanwhile, so it can read the client's close frame.
    if (!this.inputPaused) return;
    this.inputPaused = false;
    socket.resumeInput?.();
  }

  /**
   * Writes a frame that may be as large as the send-buffer limit (a snapshot) right away, after what is
   * queued: its bytes are exempt from the limit until the socket drains, so a big state does not make the
   * peer look like a slow consumer.
   */
  private sendLarge(data: string): void {
    if (this.closed) return;
    if (!this.queue.isEmpty) this.writeQueue();
    this.exemptBytes = data.length;
    this.socket.send(data);
    this.ctx.metrics.bytesSent += wireBytes(data);
  }

  /** @inheritdoc */
  enqueueEvents(batch: EncodedBatch): void {
    if (this.closed) return;
    this.queue.pushEvents(batch);
    this.ctx.metrics.eventsDelivered += batch.envelopes.length;
    // Hot path: only the hub's own bytes here (replies exempt); the socket's buffer is added once per flush.
    if (this.heldBytes - this.replyBytes > this.ctx.config.limits.maxBufferedBytes) this.slowConsumer();
    else this.ctx.scheduler.mark(this);
  }

  /** @inheritdoc */
  holdPending(bytes: number): void {
    this.pendingBytes += bytes;
    if (bytes > 0 && this.overLimit()) this.slowConsumer();
  }

  /** @inheritdoc */
  feedBroken(channel: string, lastSeq: number, nextSeq: number): void {
    // The store could not give the missing seqs back. Closing makes the client resume from its last
    // position (and see a gap if the history is gone).
    this.ctx.logger.warn(
      { channel, after: lastSeq, got: nextSeq },
      'live feed skipped seqs; closing so the client resumes',
    );
    this.close(CloseCode.InternalError, 'events missing from the live feed');
  }

  private overLimit(): boolean {
    const buffered = this.socket.bufferedAmount;
    const socketBytes = Math.max(0, buffered - this.exemptBytes);
    const replies = this.repliesHeld(buffered);
    return this.heldBytes + socketBytes - replies > this.ctx.config.limits.maxBufferedBytes;
  }

  private lowWater(): number {
    return Math.min(64 * 1024, this.ctx.config.limits.maxBufferedBytes / 4);
  }

  /** Resolves once the peer has drained its backlog below the low-water mark (or closed). */
  private async writable(): Promise<void> {
    while (!this.closed && this.queue.bytes + this.socket.bufferedAmount > this.lowWater()) {
      await this.progress();
    }
  }

  /**
   * Waits for the next chance of progress: the socket's 'drain' when its own buffer is what is behind; the
   * scheduler's flush (queued on `setImmediate` before this wait, so it runs first) when only the hub's
   * queue is; otherwise a short tick.
   */
  private progress(): Promise<void> {
    return new Promise((resolve) => {
      const socket = this.socket;
      const behind = socket.bufferedAmount > this.lowWater();
      if (behind && socket.onceDrained !== undefined) socket.onceDrained(() => resolve());
      else if (!behind && this.flushScheduled) setImmediate(resolve);
      else setTimeout(resolve, 5);
    });
  }

  /** @inheritdoc */
  flush(): boolean {
    if (this.closed || this.queue.isEmpty) return false;
    if (this.overLimit()) {
      this.slowConsumer();
      return false;
    }
    // Behind: leave the queue to grow, so it goes out later as few big frames.
    if (this.socket.bufferedAmount > this.lowWater()) return true;
    this.writeQueue();
    return false;
  }

  private writeQueue(): void {
    this.ctx.metrics.bytesSent += this.queue.writeTo(this.socket, this.ctx.scheduler.packs);
  }

  // ---- closing ----------------------------------------------------------------------------------

  /** Sends what is queued, then closes the socket with `code`. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    try {
      if (!this.queue.isEmpty) this.writeQueue();
      this.socket.close(code, reason);
    } catch (err) {
      this.ctx.logger.warn({ err, connectionId: this.id }, 'close failed');
      this.socket.terminate();
    }
    this.cleanup();
  }

  /** The socket is gone (closed by either side). */
  socketClosed(): void {
    this.cleanup();
  }

  /** Drops the queue and closes with 4008: memory stays bounded whatever the peer does. */
  private slowConsumer(): void {
    if (this.closed) return;
    this.ctx.metrics.slowConsumerDisconnects++;
    this.ctx.metrics.error(ErrorCode.SlowConsumer);
    this.ctx.logger.info({ connectionId: this.id }, 'slow consumer disconnected');
    this.queue.clear();
    this.cleanup();
    const socket = this.socket;
    try {
      socket.close(CloseCode.SlowConsumer, 'slow consumer');
    } catch {
      socket.terminate();
    }
    setTimeout(() => socket.terminate(), SLOW_CLOSE_GRACE_MS).unref();
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    for (const sub of [...this.subs.values()]) this.drop(sub);
    this.queue.clear();
    this.pendingBytes = 0;
    this.replyBytes = 0;
    if (this.inputPaused) {
      this.inputPaused = false;
      this.socket.resumeInput?.();
    }
    this.ctx.scheduler.forget(this);
    this.onClosed();
  }
}
