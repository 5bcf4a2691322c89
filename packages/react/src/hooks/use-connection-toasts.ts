import type { ConnectionStatus } from '@herald/client';
import { useEffect } from 'react';
import { useHeraldClient } from '../context.js';
import { useLatest } from '../internal/use-latest.js';
import { useEvent } from './use-event.js';

/** What a connection or run toast is about. */
export type ToastKind = 'lost' | 'restored' | 'failing' | 'run-completed' | 'run-failed';

/** A notification for any toast library (or the built-in {@link Toaster}). */
export interface ToastMessage {
  readonly kind: ToastKind;
  readonly title: string;
  readonly description?: string;
}

/** Options of {@link useConnectionToasts}. */
export interface ConnectionToastsOptions {
  /**
   * Reconnect attempts after which a "still failing" toast is shown, once per outage.
   * @default 3
   */
  readonly failingAfterAttempts?: number;
  /**
   * A run or job channel whose completion (`run.completed`, `completed`) and fatal failure (`error` with
   * `recoverable: false`) also produce toasts. @default null
   */
  readonly channel?: string | null;
}

const RUN_EVENTS = ['run.completed', 'completed', 'error'] as const;

/**
 * Calls `notify` when the connection is lost, when it is restored, when reconnecting keeps failing, and
 * (with `channel`) when a run completes or fails. Library-agnostic: pass sonner's `toast`, your design
 * system's, or {@link toast} for the built-in {@link Toaster}.
 */
export function useConnectionToasts(
  notify: (toast: ToastMessage) => void,
  options: ConnectionToastsOptions = {},
): void {
  const client = useHeraldClient();
  const latest = useLatest(notify);
  const failingAfter = options.failingAfterAttempts ?? 3;

  useEffect(() => {
    const initial = client.getStatus();
    let everConnected = initial.state === 'connected' || initial.lastConnectedAt !== null;
    let lost = initial.state !== 'connected' && everConnected;
    let failingShown = false;
    const onStatus = (status: ConnectionStatus): void => {
      if (status.state === 'connected') {
        if (lost) latest.current({ kind: 'restored', title: 'Connection restored' });
        lost = false;
        failingShown = false;
        everConnected = true;
        return;
      }
      const down = status.state === 'reconnecting' || status.state === 'offline' || status.state === 'failed';
      if (down && everConnected && !lost) {
        lost = true;
        latest.current({ kind: 'lost', title: 'Connection lost', ...describe(status, 'Reconnecting…') });
      }
      const failing = status.state === 'failed' || status.attempt >= failingAfter;
      if (down && failing && !failingShown) {
        failingShown = true;
        latest.current({
          kind: 'failing',
          title: status.state === 'failed' ? 'Could not reconnect' : 'Still trying to reconnect',
          ...describe(status, `${status.attempt} attempts so far`),
        });
      }
    };
    return client.on('status', onStatus);
  }, [client, failingAfter, latest]);

  useEvent(options.channel ?? null, RUN_EVENTS, (event) => {
    const data =
      typeof event.data === 'object' && event.data !== null ? (event.data as Record<string, unknown>) : {};
    if (event.type === 'error') {
      if (data.recoverable === true) return;
      const message = typeof data.message === 'string' ? data.message : undefined;
      latest.current({
        kind: 'run-failed',
        title: 'Run failed',
        ...(message ? { description: message } : {}),
      });
      return;
    }
    const failed = event.type === 'run.completed' && data.status === 'failed';
    latest.current(
      failed
        ? { kind: 'run-failed', title: 'Run failed' }
        : { kind: 'run-completed', title: 'Run completed' },
    );
  });
}

function describe(status: ConnectionStatus, fallback: string): { description: string } {
  return { description: status.lastError?.message ?? fallback };
}
