import type { Envelope } from '@herald/protocol';
import { encodeEventsFrame } from '@herald/protocol';
import { encodeEnvelope } from './envelope-json.js';

/**
 * Envelopes of one channel, each JSON-encoded exactly once and shared by every subscriber of a broadcast.
 * The full `events` frame is also built once, lazily, the first time a subscriber can send it as is.
 */
export class EncodedBatch {
  /** Encoded envelopes, parallel to `envelopes`. */
  readonly encoded: readonly string[];
  /** Approximate wire size of the encoded envelopes (UTF-16 length; exact for ASCII). */
  readonly bytes: number;
  private frameBuf: Buffer | undefined;

  constructor(
    readonly channel: string,
    readonly envelopes: readonly Envelope[],
    encoded?: readonly string[],
  ) {
    this.encoded = encoded ?? envelopes.map(encodeEnvelope);
    let bytes = 0;
    for (const s of this.encoded) bytes += s.length + 1;
    this.bytes = bytes;
  }

  /** Seq of the first envelope. */
  get firstSeq(): number {
    return this.envelopes[0]?.seq ?? 0;
  }

  /** Seq of the last envelope. */
  get lastSeq(): number {
    return this.envelopes[this.envelopes.length - 1]?.seq ?? 0;
  }

  /** The `events` frame carrying exactly this batch, encoded once and shared. */
  frame(): Buffer {
    this.frameBuf ??= Buffer.from(encodeEventsFrame(this.encoded));
    return this.frameBuf;
  }

  /** The part of this batch with seq at most `seq` (this batch itself when nothing is cut; never empty). */
  upTo(seq: number): EncodedBatch {
    if (this.lastSeq <= seq) return this;
    const n = Math.max(
      1,
      this.envelopes.findIndex((e) => e.seq > seq),
    );
    return new EncodedBatch(this.channel, this.envelopes.slice(0, n), this.encoded.slice(0, n));
  }

  /** The part of this batch with seq greater than `seq` (this batch itself when nothing is cut). */
  after(seq: number): EncodedBatch | null {
    if (this.firstSeq > seq) return this;
    if (this.lastSeq <= seq) return null;
    const i = this.envelopes.findIndex((e) => e.seq > seq);
    return new EncodedBatch(this.channel, this.envelopes.slice(i), this.encoded.slice(i));
  }
}

// The last split of each batch: a replay page shared by many peers is split once, and each slice's frame
// is then built once for all of them.
const splits = new WeakMap<EncodedBatch, { readonly maxBytes: number; readonly slices: EncodedBatch[] }>();

/**
 * Splits `batch` into consecutive batches of at most about `maxBytes` each (at least one event each). The
 * same batch split the same way gives the same slices (do not mutate the returned array).
 */
export function splitBatch(batch: EncodedBatch, maxBytes: number): readonly EncodedBatch[] {
  if (batch.bytes <= maxBytes) return [batch];
  const known = splits.get(batch);
  if (known !== undefined && known.maxBytes === maxBytes) return known.slices;
  const slices = splitInto(batch, maxBytes);
  splits.set(batch, { maxBytes, slices });
  return slices;
}

function splitInto(batch: EncodedBatch, maxBytes: number): EncodedBatch[] {
  const out: EncodedBatch[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < batch.encoded.length; i++) {
    const size = (batch.encoded[i]?.length ?? 0) + 1;
    if (bytes + size > maxBytes && i > start) {
      out.push(
        new EncodedBatch(batch.channel, batch.envelopes.slice(start, i), batch.encoded.slice(start, i)),
      );
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  out.push(new EncodedBatch(batch.channel, batch.envelopes.slice(start), batch.encoded.slice(start)));
  return out;
}

/**
 * Remembers the last packed frame, so subscribers whose queues hold the very same batches (the usual case
 * when many peers of one channel fall behind together) share one encoding instead of one each.
 */
export class PackCache {
  private batches: readonly EncodedBatch[] = [];
  private frame: Buffer | undefined;

  /** The `events` frame carrying `batches` in order, built once per distinct sequence. */
  pack(batches: readonly EncodedBatch[]): Buffer {
    if (this.frame !== undefined && sameBatches(this.batches, batches)) return this.frame;
    const frame = Buffer.from(encodeEventsFrame(batches.flatMap((b) => b.encoded)));
    this.batches = batches;
    this.frame = frame;
    return frame;
  }

  /** Drops the remembered frame (end of a flush round). */
  clear(): void {
    this.batches = [];
    this.frame = undefined;
  }
}

function sameBatches(a: readonly EncodedBatch[], b: readonly EncodedBatch[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
