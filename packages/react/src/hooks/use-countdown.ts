import { useEffect, useState } from 'react';

/**
 * Whole seconds left until `target` (epoch ms), rounded up and re-rendered as each second passes, or
 * null when `target` is null. Ticks are aligned to the target so the number changes on the second.
 */
export function useCountdown(target: number | null): number | null {
  const [, setTick] = useState(0);

  useEffect(() => {
    if (target === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = (): void => {
      setTick((n) => n + 1);
      const remaining = target - Date.now();
      if (remaining > 0) timer = setTimeout(tick, remaining % 1000 || 1000);
    };
    const remaining = target - Date.now();
    if (remaining > 0) timer = setTimeout(tick, remaining % 1000 || 1000);
    return () => clearTimeout(timer);
  }, [target]);

  if (target === null) return null;
  return Math.max(0, Math.ceil((target - Date.now()) / 1000));
}
