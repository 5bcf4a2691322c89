import { type RefObject, useEffect, useLayoutEffect, useRef } from 'react';

// useLayoutEffect warns during server rendering in older Reacts; the effect only matters in the browser.
const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;

/** A ref that always holds the latest `value`, so effects can call it without resubscribing. */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  useIsomorphicLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
