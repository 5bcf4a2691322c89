import { PackCache } from './encoded-batch.js';

/** A peer with queued output. `flush` returns true when it is still behind and must be retried later. */
export interface Flushable {
  flush(): boolean;
  /**
   * Owned by {@link FlushScheduler}: true while the peer waits in the next flush round. A flag on the peer
   * instead of a Set of peers, because marking happens once per subscriber per broadcast.
   */
  flushScheduled: boolean;
}

/**
 * Coalesces writes: peers that got output during a tick are flushed together on `setImmediate`, so events
 * published in one tick travel in one frame and each socket is corked once. Peers that are behind (their
 * socket buffer is not draining) are retried on a short timer, which lets their queue pack into big frames.
 */
export class FlushScheduler {
  private dirty: Flushable[] = [];
  private behind = new Set<Flushable>();
  private immediate: NodeJS.Immediate | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Shared by the peers of one flush round, so identical backlogs are packed once. */
  readonly packs = new PackCache();

  /**
   * @param retryMs - How often peers that are behind are retried.
   * @default retryMs 10
   */
  constructor(
    private readonly onError: (err: unknown) => void,
    private readonly retryMs = 10,
  ) {}

  /** Schedules `peer` for the next flush. */
  mark(peer: Flushable): void {
    if (!peer.flushScheduled) {
      peer.flushScheduled = true;
      this.dirty.push(peer);
    }
    this.immediate ??= setImmediate(() => this.run());
  }

  /** Forgets `peer` (it closed). */
  forget(peer: Flushable): void {
    // Its entry stays in `dirty` but is skipped: only peers still flagged are flushed.
    peer.flushScheduled = false;
    this.behind.delete(peer);
  }

  private run(): void {
    this.immediate = undefined;
    const peers = this.dirty;
    this.dirty = [];
    for (const peer of peers) {
      // Unflagged: forgotten, or a repeat entry of a peer forgotten and marked again.
      if (!peer.flushScheduled) continue;
      peer.flushScheduled = false;
      this.flushOne(peer);
    }
    this.packs.clear();
  }

  private flushOne(peer: Flushable): void {
    let stillBehind = false;
    try {
      stillBehind = peer.flush();
    } catch (err) {
      this.onError(err);
    }
    if (stillBehind) {
      this.behind.add(peer);
      this.retryTimer ??= setTimeout(() => this.retry(), this.retryMs);
    } else if (this.behind.size > 0) {
      this.behind.delete(peer);
    }
  }

  private retry(): void {
    this.retryTimer = undefined;
    const peers = [...this.behind];
    this.behind.clear();
    for (const peer of peers) this.flushOne(peer);
    this.packs.clear();
  }

  /** Stops timers. */
  stop(): void {
    if (this.immediate) clearImmediate(this.immediate);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.immediate = undefined;
    this.retryTimer = undefined;
    for (const peer of this.dirty) peer.flushScheduled = false;
    this.dirty = [];
    this.behind.clear();
  }
}
