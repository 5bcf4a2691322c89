import { useHeraldClient } from '@herald/react';
import { type ReactNode, useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useDemoSocket } from '../demo/demo-context.js';

/** How long the demo cut lasts. */
export const CUT_MS = 5_000;

/**
 * "Cut connection for 5 s": drops the live socket like a network failure and refuses reconnects for five
 * seconds, then retries at once. The event log shows that nothing was lost in between.
 */
export function CutControl(): ReactNode {
  const client = useHeraldClient();
  const socket = useDemoSocket();
  const until = useSyncExternalStore(socket.onChange, socket.cutUntil, socket.cutUntil);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (until === null) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [until]);

  const cut = useCallback(() => {
    socket.cut(CUT_MS);
    setNow(Date.now());
    // Reconnect as soon as the "network" is back instead of waiting out the backoff.
    setTimeout(() => client.reconnect(), CUT_MS + 50);
  }, [client, socket]);

  const left = until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
  return (
    <div className="cut">
      {until === null ? null : (
        <span className="cut__countdown" role="status">
          Network back in {left} s
        </span>
      )}
      <button
        type="button"
        className="button button--danger-outline"
        onClick={cut}
        disabled={until !== null}
        data-testid="cut-connection"
      >
        <span aria-hidden="true">✂</span> Cut connection for 5 s
      </button>
    </div>
  );
}
