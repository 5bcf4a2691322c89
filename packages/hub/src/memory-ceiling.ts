import type { LimitOptions } from './config.js';
import { MAX_READS_IN_FLIGHT, SHARED_PAGE_BUDGETS } from './replay.js';

/** What {@link hubMemoryCeiling} sizes: the limits, and how many clients hold memory at once. */
export interface MemoryCeilingInput {
  readonly limits: Pick<LimitOptions, 'maxBufferedBytes' | 'maxEventBytes' | 'maxPageBytes' | 'maxBodyBytes'>;
  /** WebSocket connections and SSE streams open at once. */
  readonly connections: number;
  /** `GET …/events` answers being written at once (each holds its body until the client read it). */
  readonly historyReads: number;
  /**
   * Publish bodies being read and parsed at once.
   * @default 0
   */
  readonly publishes?: number;
}

/**
 * Copies one page (or answer) of history may exist in at once: the rows as the store returned them, the
 * envelopes encoded once, and the frames (or answer body) built from them.
 */
const COPIES = 3;
/** Headroom for the garbage collector: large strings and buffers are freed a collection later. */
const GC_HEADROOM_BYTES = 64 * 1024 * 1024;

/**
 * The most memory a hub takes above its idle footprint under any number of replays and history reads, by
 * the bounds the hub keeps (PROTOCOL.md, "Limits"): each connection's send buffer (`maxBufferedBytes`,
 * counted twice: the hub's queue and the socket's own buffer behind it); the pages being read
 * ({@link MAX_READS_IN_FLIGHT} per store, however many clients replay) and the shared pages kept
 * ({@link SHARED_PAGE_BUDGETS}), each at most `maxPageBytes` plus one event, in up to three copies; each
 * history answer being written, a page in three copies; each publish body being parsed (the bytes, the
 * text and the parsed value); and headroom for the garbage collector.
 */
export function hubMemoryCeiling({
  limits,
  connections,
  historyReads,
  publishes = 0,
}: MemoryCeilingInput): number {
  const page = limits.maxPageBytes + limits.maxEventBytes;
  return (
    connections * limits.maxBufferedBytes * 2 +
    (MAX_READS_IN_FLIGHT + SHARED_PAGE_BUDGETS + historyReads) * page * COPIES +
    publishes * limits.maxBodyBytes * COPIES +
    GC_HEADROOM_BYTES
  );
}
