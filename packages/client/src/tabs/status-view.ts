import { CloseCode } from '@herald/protocol';
import type { Emitter } from '../emitter.js';
import type { ClientEventMap, ConnectionStatus, HeraldClient } from '../types.js';

/** The status a sharing tab shows. */
export interface StatusView {
  /** The status now: stable identity between changes. */
  status(): ConnectionStatus;
  /** The leader's hub status changed (from a beat, or this tab's own leader); null when none is known. */
  setHub(status: ConnectionStatus | null): void;
  /** Stops following the tab's client. */
  close(): void;
}

/**
 * Every tab shows the one hub connection's status while its link to the leader is up (so the same
 * `connected`, `reconnecting`, `offline`… everywhere, with the leader's countdown), and its own client's
 * while the link is not (between two leaders, which takes a few seconds at most). Changes are emitted as
 * the core does: `state` (with `connected`/`disconnected`), then `status`.
 */
export function createStatusView(app: HeraldClient, events: Emitter<ClientEventMap>): StatusView {
  let hub: ConnectionStatus | null = null;
  let shown = app.getStatus();
  const current = () => (app.state === 'connected' && hub ? hub : app.getStatus());
  const refresh = () => {
    const next = current();
    if (next === shown) return;
    const old = shown;
    shown = next;
    if (old.state !== next.state) {
      events.emit('state', { oldState: old.state, newState: next.state });
      if (next.state === 'connected') events.emit('connected', { transport: next.transport ?? 'custom' });
      else if (old.state === 'connected')
        events.emit('disconnected', { code: CloseCode.Abnormal, reason: next.lastError?.message ?? '' });
    }
    events.emit('status', next);
  };
  const off = app.on('status', refresh);
  return {
    status: () => shown,
    setHub(status) {
      hub = status;
      refresh();
    },
    close: off,
  };
}
