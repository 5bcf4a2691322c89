import type { Envelope } from '@herald/protocol';

/**
 * The seqs of `events`, in order: with {@link range}, asserts that a stream has no gap and no duplicate.
 *
 * @example
 * ```ts
 * expect(seqs(client.events('run:1'))).toEqual(range(1, 20));
 * ```
 */
export function seqs(events: readonly Pick<Envelope, 'seq'>[]): number[] {
  return events.map((e) => e.seq);
}

/** The integers `[from, from + 1, …, to]` (empty when `to < from`). */
export function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
