import type { Writable } from 'node:stream';

/** How soon to look again at a stream below its high-water mark ('drain' follows only refused writes). */
const DRAIN_POLL_MS = 5;

/**
 * Calls `fn` once `stream`'s buffer has drained or the stream closed: on its 'drain' or 'close' event when
 * a write was refused, else after a short delay. The one drain wait of every transport adapter.
 */
export function onceDrained(stream: Writable | undefined, fn: () => void): void {
  if (stream === undefined || !stream.writableNeedDrain || stream.destroyed) {
    setTimeout(fn, DRAIN_POLL_MS);
    return;
  }
  const done = (): void => {
    stream.off('drain', done);
    stream.off('close', done);
    fn();
  };
  stream.on('drain', done);
  stream.on('close', done);
}
