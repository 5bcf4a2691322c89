import { type CSSProperties, useEffect, useState } from 'react';

/** How long an item stays highlighted after it arrived or changed, by default. */
export const DEFAULT_HIGHLIGHT_MS = 3000;

/** What a highlight is about: an item that just appeared, or one that just changed. */
export type HighlightKind = 'new' | 'updated';

/** Options of {@link useHighlight}. */
export interface UseHighlightOptions {
  /**
   * How long the highlight lasts after `at`, in ms.
   * @default 3000
   */
  readonly durationMs?: number;
  /**
   * The value of the `data-herald-highlight` attribute while highlighted.
   * @default 'new'
   */
  readonly kind?: HighlightKind;
}

/** The props that mark a highlighted element (spread them onto it), and whether it is highlighted. */
export interface HighlightState {
  /** True while less than `durationMs` has passed since `at`. */
  readonly active: boolean;
  /** The kind, while active; null otherwise. */
  readonly kind: HighlightKind | null;
  /**
   * `data-herald-highlight` (`new` or `updated`) while active, plus the CSS variables
   * `--herald-highlight-duration` (the whole highlight) and `--herald-highlight-delay` (minus the time
   * already elapsed, so an animation picks up where it was when a virtualised row remounts).
   */
  readonly props: {
    readonly 'data-herald-highlight'?: HighlightKind;
    readonly style?: CSSProperties;
  };
}

const INACTIVE: HighlightState = { active: false, kind: null, props: {} };

/**
 * Highlights something that arrived or changed at `at` (epoch ms; `FeedItem.receivedAt`, or
 * {@link useChangedAt} of a value) for `durationMs`, then clears by itself: the component re-renders once
 * when the highlight ends. `null` is never highlighted (items replayed from history). Style it through
 * `[data-herald-highlight]` (the package's CSS fades a background, and keeps it static under
 * `prefers-reduced-motion: reduce`); show text as well (as `<Highlight>` does), never colour alone.
 */
export function useHighlight(at: number | null, options: UseHighlightOptions = {}): HighlightState {
  const durationMs = options.durationMs ?? DEFAULT_HIGHLIGHT_MS;
  const kind = options.kind ?? 'new';
  const [, setTick] = useState(0);
  const elapsed = at === null ? Number.POSITIVE_INFINITY : Date.now() - at;
  const active = elapsed < durationMs;
  useEffect(() => {
    if (!active || at === null) return;
    const timer = setTimeout(() => setTick((n) => n + 1), Math.max(0, at + durationMs - Date.now()) + 1);
    return () => clearTimeout(timer);
  }, [active, at, durationMs]);
  if (!active) return INACTIVE;
  const style = {
    '--herald-highlight-duration': `${durationMs}ms`,
    '--herald-highlight-delay': `${-Math.max(0, Math.round(elapsed))}ms`,
  } as CSSProperties;
  return { active, kind, props: { 'data-herald-highlight': kind, style } };
}

/**
 * The time (epoch ms) `value` last changed while the component was mounted, or null if it has not
 * changed since the first render (`Object.is`). Pair it with {@link useHighlight} to mark a widget whose
 * value was just updated.
 */
export function useChangedAt<T>(value: T): number | null {
  const [seen, setSeen] = useState<{ readonly value: T; readonly at: number | null }>({ value, at: null });
  if (!Object.is(seen.value, value)) {
    const next = { value, at: Date.now() };
    setSeen(next); // React re-renders at once with the new state, before committing
    return next.at;
  }
  return seen.at;
}
