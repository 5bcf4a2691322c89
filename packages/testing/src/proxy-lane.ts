import type { Socket } from 'node:net';

/** The fault settings every lane reads at the moment a chunk arrives or is due. */
export interface LaneFaults {
  /** True while bytes (and FINs) must vanish silently. */
  readonly blackholed: boolean;
  /** Delay added to every chunk, in milliseconds. */
  readonly latencyMs: number;
}

/** Byte totals shared by every lane of one proxy. */
export interface LaneCounters {
  bytesForwarded: number;
  bytesDropped: number;
  bytesDelayed: number;
}

/** A chunk waiting for its delay to pass; `null` stands for the source's FIN. */
interface Pending {
  readonly dueAt: number;
  readonly chunk: Buffer | null;
}

/**
 * One direction of a proxied connection: copies bytes from `source` to `target`, applying the current
 * faults. Delayed chunks leave in arrival order, even when the latency is lowered meanwhile.
 */
export class ProxyLane {
  private readonly queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private waitingForDrain = false;
  /** Set when the source sent FIN; a FIN swallowed by a blackhole still counts. */
  sawEnd = false;

  constructor(
    private readonly source: Socket,
    private readonly target: Socket,
    private readonly faults: LaneFaults,
    private readonly counters: LaneCounters,
    /** Called when a FIN arrives while blackholed: the pair must be torn down once the hole closes. */
    private readonly onLostEnd: () => void,
  ) {
    source.on('data', (chunk: Buffer) => this.accept(chunk));
    source.on('end', () => {
      this.sawEnd = true;
      this.accept(null);
    });
  }

  /** Drops whatever is still delayed and stops the timer. */
  dispose(): void {
    for (const pending of this.queue) this.counters.bytesDelayed -= pending.chunk?.length ?? 0;
    this.queue.length = 0;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private accept(chunk: Buffer | null): void {
    if (this.faults.blackholed) {
      this.drop(chunk);
      return;
    }
    const latencyMs = this.faults.latencyMs;
    if (latencyMs <= 0 && this.queue.length === 0) {
      this.deliver(chunk);
      return;
    }
    this.queue.push({ dueAt: Date.now() + latencyMs, chunk });
    this.counters.bytesDelayed += chunk?.length ?? 0;
    this.schedule();
  }

  private schedule(): void {
    const head = this.queue[0];
    if (head === undefined || this.timer !== undefined) return;
    this.timer = setTimeout(() => this.flushDue(), Math.max(0, head.dueAt - Date.now()));
  }

  private flushDue(): void {
    this.timer = undefined;
    const now = Date.now();
    for (let head = this.queue[0]; head !== undefined && head.dueAt <= now; head = this.queue[0]) {
      this.queue.shift();
      this.counters.bytesDelayed -= head.chunk?.length ?? 0;
      // Data already in flight when a blackhole opens is lost too, like packets on a dead link.
      if (this.faults.blackholed) {
        this.drop(head.chunk);
        continue;
      }
      this.deliver(head.chunk);
    }
    this.schedule();
  }

  private drop(chunk: Buffer | null): void {
    if (chunk === null) this.onLostEnd();
    else this.counters.bytesDropped += chunk.length;
  }

  private deliver(chunk: Buffer | null): void {
    if (this.target.destroyed || this.target.writableEnded) return;
    if (chunk === null) {
      this.target.end();
      return;
    }
    this.counters.bytesForwarded += chunk.length;
    if (this.target.write(chunk) || this.waitingForDrain) return;
    // Pass backpressure on, so a slow reader slows the writer instead of filling the proxy's memory.
    this.waitingForDrain = true;
    this.source.pause();
    this.target.once('drain', () => {
      this.waitingForDrain = false;
      this.source.resume();
    });
  }
}
