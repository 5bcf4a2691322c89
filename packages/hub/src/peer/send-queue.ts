import type { EncodedBatch, PackCache } from '../encoded-batch.js';
import type { HubSocket, PeerFraming } from './socket.js';

/** A control frame (already encoded), queued in order with event batches. */
class ControlFrame {
  constructor(readonly data: string) {}
}

/** Bytes `data` takes on the wire (before any compression): a string's UTF-8 length, not its UTF-16 one. */
export const wireBytes = (data: string | Buffer): number =>
  typeof data === 'string' ? Buffer.byteLength(data) : data.length;

/** Largest frame built when packing a backlog of event batches. */
const MAX_PACK_BYTES = 256 * 1024;

/**
 * A peer's ordered output: control frames and event batches, in the order they were queued. Written out
 * in one corked burst, with consecutive batches packed into as few frames as {@link MAX_PACK_BYTES} allows.
 */
export class SendQueue {
  private items: (EncodedBatch | ControlFrame)[] = [];
  private queuedBytes = 0;

  constructor(private readonly framing: PeerFraming) {}

  /** Bytes waiting in the queue. */
  get bytes(): number {
    return this.queuedBytes;
  }

  /** Whether anything waits. */
  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** Queues an encoded control frame. */
  pushControl(data: string): void {
    this.items.push(new ControlFrame(data));
    this.queuedBytes += data.length;
  }

  /** Queues an event batch. */
  pushEvents(batch: EncodedBatch): void {
    this.items.push(batch);
    this.queuedBytes += batch.bytes;
  }

  /** Drops everything queued. */
  clear(): void {
    this.items = [];
    this.queuedBytes = 0;
  }

  /** Writes the whole queue to `socket` and empties it. Returns the bytes sent (UTF-8, before compression). */
  writeTo(socket: HubSocket, packs: PackCache): number {
    const items = this.items;
    if (items.length === 1) {
      // A one-viewer channel's usual flush: one item, one write (the socket frames it in one go); no cork,
      // no pack, none of the closures below.
      const only = items.pop() as EncodedBatch | ControlFrame;
      this.queuedBytes = 0;
      const data = only instanceof ControlFrame ? only.data : this.framing.batch(only);
      socket.send(data);
      return wireBytes(data);
    }
    this.clear();
    let sent = 0;
    const send = (data: string | Buffer): void => {
      socket.send(data);
      sent += wireBytes(data);
    };
    socket.cork(() => {
      let pack: EncodedBatch[] = [];
      let packBytes = 0;
      const emit = (): void => {
        const only = pack[0];
        if (only === undefined) return;
        send(pack.length === 1 ? this.framing.batch(only) : this.framing.pack(pack, packs));
        pack = [];
        packBytes = 0;
      };
      for (const item of items) {
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
    return sent;
  }
}
