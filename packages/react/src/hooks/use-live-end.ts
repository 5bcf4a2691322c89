import { type RefObject, useCallback, useEffect, useState } from 'react';

/** Options of {@link useLiveEnd}. */
export interface UseLiveEndOptions {
  /**
   * Where new items appear: `start` for a newest-first feed (the top), `end` for a newest-last log.
   * @default 'start'
   */
  readonly edge?: 'start' | 'end';
  /**
   * How close to the edge, in px, still counts as at the live end.
   * @default 24
   */
  readonly threshold?: number;
}

/** What {@link useLiveEnd} returns. */
export interface LiveEnd {
  /** True while the scroll area shows its live end (or cannot scroll). */
  readonly atLiveEnd: boolean;
  /** Scrolls back to the live end. */
  jump(): void;
}

/**
 * Follows whether the scroll area `ref` is at the edge where a feed's new items appear, for an "N new"
 * control (with {@link useUnseenCount}). The browser's scroll anchoring keeps what the reader is looking at
 * in place while items are added above it.
 */
export function useLiveEnd(ref: RefObject<HTMLElement | null>, options: UseLiveEndOptions = {}): LiveEnd {
  const edge = options.edge ?? 'start';
  const threshold = options.threshold ?? 24;
  const [atLiveEnd, setAtLiveEnd] = useState(true);

  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const onScroll = (): void => {
      const distance = edge === 'start' ? el.scrollTop : el.scrollHeight - el.scrollTop - el.clientHeight;
      setAtLiveEnd(distance <= threshold);
    };
    onScroll();
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, [ref, edge, threshold]);

  const jump = useCallback(() => {
    const el = ref.current;
    if (el === null) return;
    el.scrollTop = edge === 'start' ? 0 : el.scrollHeight;
    setAtLiveEnd(true);
  }, [ref, edge]);

  return { atLiveEnd, jump };
}
