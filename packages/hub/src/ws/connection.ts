import { randomUUID } from 'node:crypto';
import {
  type ClientMessage,
  CloseCode,
  ErrorCode,
  HeraldError,
  isRetryableError,
  parseClientMessage,
  type ServerMessage,
} from '@herald/protocol';
import { OPEN_PRINCIPAL, type Principal } from '../auth/principal.js';
import type { HubContext } from '../context.js';
import type { EncodedBatch } from '../encoded-batch.js';
import type { Flushable } from '../flush-scheduler.js';
import { ErrorBudget } from '../limits/error-budget.js';
import { TokenBucket } from '../limits/token-bucket.js';
import type { Subscription, SubscriptionOwner } from '../subscription.js';
import type { HubSocket } from './socket.js';

/** A control message queued in order with event batches. */
class ControlFrame {
  constructor(readonly data: string) {}
}

type OutItem = EncodedBatch | ControlFrame;
type State = 'handshake' | 'authenticating' | 'open' | 'closed';

/** Largest `events` frame the hub builds when packing a backlog. */
const MAX_PACK_BYTES = 256 * 1024;
/** Frames a client may pipeline after `hello` before `welcome`. */
const MAX_EARLY_FRAMES = 32;
/** How long a closed slow consumer gets to read its close frame before the socket is destroyed. */
const SLOW_CLOSE_GRACE_MS = 5_000;

/** Codes that mean the peer sent garbage; they spend the error budget (rate or permission refusals do not). */
const GARBAGE: ReadonlySet<string> = new Set([
  ErrorCode.BadJson,
  ErrorCode.BadMessage,
  ErrorCode.UnknownType,
  ErrorCode.FrameTooLarge,
  ErrorCode.BadChannel,
  ErrorCode.BadPosition,
]);

/** Dispatches a parsed message on an open connection (implemented in `handlers.ts`). */
export type MessageHandler = (conn: Connection, message: ClientMessage) => void;

/**
 * One WebSocket peer: handshake state, subscriptions, and an ordered output queue that packs event batches
 * into frames and enforces the send buffer limit. Written against {@link HubSocket}, not `ws`.
 */
export class Connection implements Flushable, SubscriptionOwner {
  /** Hub-assigned id (sent in `welcome`, used in logs). */
  readonly id = randomUUID();
  /** When the socket opened (ms since epoch). */
  readonly openedAt = Date.now();
  /** The authenticated caller; replaced by an in-band refresh. */
  principal: Principal = OPEN_PRINCIPAL;
  /** Subscriptions by channel. */
  readonly subs = new Map<string, Subscription>();
  /** @inheritdoc */
  flushScheduled = false;
  /** Set when a hub ping is unanswered; any inbound frame clears it. */
  pongPending = false;
  private state: State = 'handshake';
  private queue: OutItem[] = [];
  private queuedBytes = 0;
  private pendingBytes = 0;
  private early: Buffer[] | null = null;
  private refreshAsked = false;
  private bucket: TokenBucket | undefined;
  private budget: ErrorBudget | undefined;

  constructor(
    readonly ctx: HubContext,
    private readonly socket: HubSocket,
    private readonly handle: MessageHandler,
    private readonly onGone: (conn: Connection) => void,
  ) {}

  /** Whether the handshake finished and the connection is not closed. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Whether the connection is closed (or being closed). */
  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Bytes this connection holds in hub memory (output queue plus live events held during replays). */
  get heldBytes(): number {
    return this.queuedBytes + this.pendingBytes;
  }

  // ---- input ------------------------------------------------------------------------------------

  /** Handles one inbound frame. Never throws. */
  receive(data: Buffer, isBinary: boolean): void {
    if (this.state === 'closed') return;
    const m = this.ctx.metrics;
    m.framesReceived++;
    m.bytesReceived += data.length;
    this.pongPending = false;
    if (isBinary) {
      this.sendError(undefined, ErrorCode.BadMessage, 'binary frames are not supported');
      return;
    }
    if (data.length > this.ctx.config.limits.maxFrameBytes) {
      this.sendError(
        undefined,
        ErrorCode.FrameTooLarge,
        `frame over ${this.ctx.config.limits.maxFrameBytes} bytes`,
      );
      return;
    }
    if (this.state === 'authenticating') {
      if (this.early !== null && this.early.length < MAX_EARLY_FRAMES) this.early.push(data);
      else this.sendError(undefined, ErrorCode.BadMessage, 'too many frames before welcome');
      return;
    }
    this.handleText(data.toString('utf8'));
  }

  private handleText(text: string): void {
    const parsed = parseClientMessage(text);
    if (this.state === 'handshake') {
      if (parsed.ok && parsed.message.type === 'hello') {
        this.state = 'authenticating';
        this.early = [];
      } else {
        const code = parsed.ok ? ErrorCode.HelloRequired : parsed.error.code;
        this.sendError(undefined, code, parsed.ok ? 'send hello first' : parsed.error.message);
        this.closeWith(CloseCode.ProtocolError, 'hello required');
        return;
      }
    }
    if (parsed.ok) this.handle(this, parsed.message);
    else this.sendError(parsed.error.rid, parsed.error.code, parsed.error.message);
  }

  /** Finishes the handshake with `principal`: sends `welcome`, then processes pipelined frames. */
  accept(principal: Principal, requestId: string | undefined): void {
    if (this.state !== 'authenticating') return;
    this.principal = principal;
    this.state = 'open';
    const { heartbeatMs, limits } = this.ctx.config;
    this.sendControl({
      type: 'welcome',
      connectionId: this.id,
      heartbeatMs,
      maxFrameBytes: limits.maxFrameBytes,
      tokenExpiresAt: principal.exp,
      ...(requestId === undefined ? {} : { requestId }),
    });
    const early = this.early ?? [];
    this.early = null;
    for (const frame of early) {
      if (this.state !== 'open') break;
      this.handleText(frame.toString('utf8'));
    }
  }

  /** Replaces the principal after an in-band refresh. */
  refreshed(principal: Principal): void {
    this.principal = principal;
    this.refreshAsked = false;
  }

  /** The per-connection publish token bucket. */
  publishBucket(): TokenBucket {
    const { publishRatePerSec, publishBurst } = this.ctx.config.limits;
    this.bucket ??= new TokenBucket(publishRatePerSec, publishBurst);
    return this.bucket;
  }

  // ---- timers (driven by the hub's shared ticker) -----------------------------------------------

  /** Handshake timeout and token expiry checks. */
  tick(now: number): void {
    const { handshakeTimeoutMs, refreshBeforeMs } = this.ctx.config;
    if (this.state === 'handshake' || this.state === 'authenticating') {
      if (now - this.openedAt >= handshakeTimeoutMs) {
        this.sendError(undefined, ErrorCode.HandshakeTimeout, 'no hello in time');
        this.closeWith(CloseCode.HandshakeTimeout, 'handshake timeout');
      }
      return;
    }
    const exp = this.principal.exp;
    if (this.state !== 'open' || exp === null) return;
    if (now >= exp) {
      this.sendError(undefined, ErrorCode.TokenExpired, 'token expired');
      this.closeWith(CloseCode.TokenExpired, 'token expired');
    } else if (!this.refreshAsked && now >= exp - refreshBeforeMs) {
      this.refreshAsked = true;
      this.sendControl({ type: 'refresh_required', expiresAt: exp });
    }
  }

  /**
   * One heartbeat round: close if the last ping went unanswered, else send `ping` (`frame` is the round's
   * ping, encoded once for every connection).
   */
  heartbeat(frame: string): void {
    if (this.state !== 'open') return;
    if (this.pongPending) {
      this.ctx.metrics.pingTimeouts++;
      this.ctx.metrics.error(ErrorCode.PingTimeout);
      this.closeWith(CloseCode.PingTimeout, 'ping timeout');
      return;
    }
    this.pongPending = true;
    this.sendRaw(frame);
  }

  // ---- output -----------------------------------------------------------------------------------

  /** Queues a control message, in order with event batches. */
  sendControl(message: ServerMessage): void {
    this.sendRaw(JSON.stringify(message));
  }

  /** Queues an already-encoded control message. */
  private sendRaw(data: string): void {
    if (this.state === 'closed') return;
    this.queue.push(new ControlFrame(data));
    this.queuedBytes += data.length;
    this.ctx.scheduler.mark(this);
  }

  /** Answers an error; garbage input spends the error budget and may close the connection with 4029. */
  sendError(rid: string | undefined, code: ErrorCode, message: string): void {
    this.ctx.metrics.error(code);
    this.sendControl({
      type: 'error',
      ...(rid === undefined ? {} : { rid }),
      code,
      message,
      retryable: isRetryableError(code),
    });
    if (GARBAGE.has(code)) {
      this.budget ??= new ErrorBudget();
      if (this.budget.spend()) this.closeWith(CloseCode.TooManyErrors, 'too many invalid frames');
    }
  }

  /** Answers a failed request with the error's code (`ERR_INTERNAL` for anything unexpected). */
  sendFailure(rid: string | undefined, err: unknown): void {
    if (err instanceof HeraldError) {
      this.sendError(rid, err.code, err.message);
      return;
    }
    this.ctx.logger.error({ err, connectionId: this.id }, 'request failed');
    this.sendError(rid, ErrorCode.Internal, 'internal error');
  }

  /** @inheritdoc */
  enqueueBatch(sub: Subscription, batch: EncodedBatch): void {
    if (this.state === 'closed') return;
    const part = batch.after(sub.lastSeq);
    if (part === null) return;
    if (part.firstSeq !== sub.lastSeq + 1) {
      // The live feed lost seqs the store could not give back. Never skip them silently: closing makes
      // the client resume from its last position (and see a gap if the history is gone).
      this.ctx.logger.warn(
        { channel: sub.channel, after: sub.lastSeq, got: part.firstSeq },
        'live feed skipped seqs; closing so the client resumes',
      );
      this.closeWith(CloseCode.InternalError, 'events missing from the live feed');
      return;
    }
    sub.lastSeq = part.lastSeq;
    this.queue.push(part);
    this.queuedBytes += part.bytes;
    this.ctx.metrics.eventsDelivered += part.envelopes.length;
    // Hot path: only the hub's own bytes here; the socket's buffer is added once per flush.
    if (this.queuedBytes + this.pendingBytes > this.ctx.config.limits.maxBufferedBytes) this.slowConsumer();
    else this.ctx.scheduler.mark(this);
  }

  /** @inheritdoc */
  holdPending(bytes: number): void {
    this.pendingBytes += bytes;
    if (bytes > 0 && this.overLimit()) this.slowConsumer();
  }

  private overLimit(): boolean {
    return (
      this.queuedBytes + this.pendingBytes + this.socket.bufferedAmount >
      this.ctx.config.limits.maxBufferedBytes
    );
  }

  private lowWater(): number {
    return Math.min(64 * 1024, this.ctx.config.limits.maxBufferedBytes / 4);
  }

  /** Resolves once the peer has drained its backlog below the low-water mark (or the connection closed). */
  async writable(): Promise<void> {
    while (this.state !== 'closed' && this.queuedBytes + this.socket.bufferedAmount > this.lowWater()) {
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
    if (this.state === 'closed' || this.queue.length === 0) return false;
    const buffered = this.socket.bufferedAmount;
    if (buffered + this.queuedBytes + this.pendingBytes > this.ctx.config.limits.maxBufferedBytes) {
      this.slowConsumer();
      return false;
    }
    // Behind: leave the queue to grow, so it goes out later as few big frames.
    if (buffered > this.lowWater()) return true;
    this.writeQueue();
    return false;
  }

  private writeQueue(): void {
    const queue = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    let sent = 0;
    const send = (data: string | Buffer): void => {
      this.socket.send(data);
      sent += data.length;
    };
    this.socket.cork(() => {
      let pack: EncodedBatch[] = [];
      let packBytes = 0;
      const emit = (): void => {
        const only = pack[0];
        if (only === undefined) return;
        if (pack.length === 1) send(only.frame());
        else send(this.ctx.scheduler.packs.pack(pack));
        pack = [];
        packBytes = 0;
      };
      for (const item of queue) {
        if (item instanceof ControlFrame) {
          emit();
          send(item.data);
        } else {
          if (packBytes + item.bytes > MAX_PACK_BYTES) emit();
          pack.push(item);
          packBytes += item.bytes;
        }
      }
      emit();
    });
    this.ctx.metrics.bytesSent += sent;
  }

  // ---- closing ----------------------------------------------------------------------------------

  /** Sends what is queued, then closes with `code`. */
  closeWith(code: number, reason: string): void {
    if (this.state === 'closed') return;
    try {
      if (this.queue.length > 0) this.writeQueue();
      this.socket.close(code, reason);
    } catch (err) {
      this.ctx.logger.warn({ err, connectionId: this.id }, 'close failed');
      this.socket.terminate();
    }
    this.cleanup();
  }

  /** Drops the queue and closes with 4008: memory stays bounded whatever the peer does. */
  private slowConsumer(): void {
    if (this.state === 'closed') return;
    this.ctx.metrics.slowConsumerDisconnects++;
    this.ctx.metrics.error(ErrorCode.SlowConsumer);
    this.ctx.logger.info({ connectionId: this.id }, 'slow consumer disconnected');
    this.queue = [];
    this.queuedBytes = 0;
    this.cleanup();
    try {
      this.socket.close(CloseCode.SlowConsumer, 'slow consumer');
    } catch {
      this.socket.terminate();
    }
    const socket = this.socket;
    setTimeout(() => socket.terminate(), SLOW_CLOSE_GRACE_MS).unref();
  }

  /** The socket is gone (closed by either side). */
  closed(): void {
    this.cleanup();
  }

  private cleanup(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const sub of this.subs.values()) {
      sub.cancel();
      this.ctx.registry.remove(sub.channel, sub);
    }
    this.subs.clear();
    this.queue = [];
    this.queuedBytes = 0;
    this.pendingBytes = 0;
    this.early = null;
    this.ctx.scheduler.forget(this);
    this.onGone(this);
  }
}
