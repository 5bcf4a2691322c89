import { nowUs } from '../lib/clock.js';
import { MARK_N, MARK_SEQ, MARK_T } from '../lib/payload.js';
import { LatencyRecorder } from '../lib/stats.js';

const MARK_T_BYTES = Buffer.from(MARK_T);
const MARK_N_BYTES = Buffer.from(MARK_N);
const MARK_SEQ_BYTES = Buffer.from(MARK_SEQ);

/** Reads the unsigned integer that starts at `pos`. */
function readUint(buf: Buffer, pos: number): number {
  let value = 0;
  for (let i = pos; i < buf.length; i++) {
    const c = buf[i] ?? 0;
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  return value;
}

/** True when the frame carries at least one bench event. */
export function hasEvents(frame: Buffer): boolean {
  return frame.indexOf(MARK_T_BYTES) !== -1;
}

/** The highest Herald `seq` in a frame, or 0. */
export function maxSeq(frame: Buffer): number {
  let best = 0;
  let at = frame.indexOf(MARK_SEQ_BYTES);
  while (at !== -1) {
    best = Math.max(best, readUint(frame, at + MARK_SEQ_BYTES.length));
    at = frame.indexOf(MARK_SEQ_BYTES, at + MARK_SEQ_BYTES.length);
  }
  return best;
}

/** Per-connection record of which event numbers arrived when (restart scenario only). */
export interface Track {
  /** arrivals[n] = µs when event n first arrived, 0 if never. */
  readonly arrivals: Float64Array;
  duplicates: number;
  /** µs of every (re)subscription completed. */
  readonly readyAt: number[];
  /** Connection attempts after the first. */
  attempts: number;
}

/** Counts deliveries and latencies for every connection of the load process. */
export class Sink {
  delivered = 0;
  firstUs = 0;
  lastUs = 0;
  readonly latency = new LatencyRecorder(2_000_000);

  /** Forgets counts and samples (start of a measured phase). */
  reset(): void {
    this.delivered = 0;
    this.firstUs = 0;
    this.lastUs = 0;
    this.latency.reset();
  }

  /** One bench event arrived (already parsed: socket.io-client path). */
  onEvent(sentUs: number, n: number, track: Track | null): void {
    const now = nowUs();
    this.count(now, sentUs);
    if (track) this.mark(track, n, now);
  }

  /** A raw frame that may hold several events: scan markers, parse nothing else. */
  onFrame(frame: Buffer, track: Track | null): void {
    const now = nowUs();
    let at = frame.indexOf(MARK_T_BYTES);
    while (at !== -1) {
      this.count(now, readUint(frame, at + MARK_T_BYTES.length));
      at = frame.indexOf(MARK_T_BYTES, at + MARK_T_BYTES.length);
    }
    if (!track) return;
    at = frame.indexOf(MARK_N_BYTES);
    while (at !== -1) {
      this.mark(track, readUint(frame, at + MARK_N_BYTES.length), now);
      at = frame.indexOf(MARK_N_BYTES, at + MARK_N_BYTES.length);
    }
  }

  private count(now: number, sentUs: number): void {
    this.delivered++;
    if (this.firstUs === 0) this.firstUs = now;
    this.lastUs = now;
    this.latency.add(now - sentUs);
  }

  private mark(track: Track, n: number, now: number): void {
    if (n >= track.arrivals.length) return;
    if (track.arrivals[n] === 0) track.arrivals[n] = now;
    else track.duplicates++;
  }
}
