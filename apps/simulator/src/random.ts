/** A source of randomness in [0, 1), injectable so tests can be deterministic. */
export type RandomSource = () => number;

/**
 * A small seeded PRNG (mulberry32). Good enough for plausible demo data; not for anything secret.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers over a {@link RandomSource}. */
export interface Dice {
  /** A float in [min, max). */
  between(min: number, max: number): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A float rounded to `digits` decimals in [min, max). */
  score(min: number, max: number, digits?: number): number;
  /** `length` lowercase hex characters. */
  hex(length: number): string;
}

/** Wraps a random source with the helpers scenarios use. */
export function createDice(random: RandomSource = Math.random): Dice {
  const between = (min: number, max: number): number => min + random() * (max - min);
  const int = (min: number, max: number): number => Math.floor(between(min, max + 1));
  return {
    between,
    int,
    chance: (p) => random() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(random() * items.length)];
      if (item === undefined) throw new RangeError('pick() needs a non-empty list');
      return item;
    },
    score: (min, max, digits = 2) => Number(between(min, max).toFixed(digits)),
    hex: (length) => {
      let out = '';
      for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
      return out;
    },
  };
}
