import type { ConnectionStatus } from '@herald/client';
import type { JobState } from '@herald/protocol';
import { useEffect, useRef } from 'react';
import { useHeraldClient } from '../context.js';
import { useLatest } from '../internal/use-latest.js';
import { useJob } from './use-job.js';

/** What a toast is about: the connection, a run's end, or an app event (`useEventToasts`). */
export type ToastKind = 'lost' | 'restored' | 'failing' | 'run-completed' | 'run-failed' | 'event';

/** How a toast library should present a toast (sonner's `toast.success`, `toast.error`, …). */
export type ToastLevel = 'info' | 'success' | 'warning' | 'error';

/** A notification for any toast library (or the built-in {@link Toaster}). */
export interface ToastMessage {
  readonly kind: ToastKind;
  readonly title: string;
  readonly description?: string;
  /**
   * How to present it; `toastLevel` derives it from `kind` when absent (`lost` warning, `restored` and
   * `run-completed` success, `failing` and `run-failed` error, `event` info).
   * @default by kind
   */
  readonly level?: ToastLevel;
  /**
   * Identifies what the toast is about: a toast with the key of one still shown replaces it (the
   * built-in store; sonner's `id`). `useEventToasts` uses the channel and event id.
   * @default none
   */
  readonly key?: string;
}

/** Options of {@link useConnectionToasts}. */
export interface ConnectionToastsOptions {
  /**
   * Reconnect attempts after which a "still failing" toast is shown, once per outage.
   * @default 3
   */
  readonly failingAfterAttempts?: number;
  /**
   * A job channel (the job vocabulary of PROTOCOL.md, as `useJob` reads it) whose end, seen while the
   * component is mounted, also produces a toast: `run-completed` when it completes, `run-failed` (with the
   * job error's message) when it fails or is cancelled. A job already done on mount produces none.
   * @default null
   */
  readonly channel?: string | null;
}

/** The toast for a job that just ended. */
function jobEndToast(job: JobState): ToastMessage {
  if (job.status === 'completed') return { kind: 'run-completed', title: 'Run completed' };
  if (job.status === 'cancelled') return { kind: 'run-failed', title: 'Run cancelled' };
  const message = job.error?.message;
  return { kind: 'run-failed', title: 'Run failed', ...(message ? { description: message } : {}) };
}

/**
 * Calls `notify` when the connection is lost, when it is restored, when reconnecting keeps failing, and
 * (with `channel`) when the job on that channel completes, fails or is cancelled. Library-agnostic: pass sonner's `toast`, your design
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

  // A job's end is a toast only when this component saw it running: not on mount, not on a reload.
  const channel = options.channel ?? null;
  const job = useJob(channel);
  const wasRunning = useRef<string | null>(null);
  useEffect(() => {
    if (channel === null || job.loading) return;
    if (!job.isDone) wasRunning.current = channel;
    else if (wasRunning.current === channel) {
      wasRunning.current = null;
      latest.current(jobEndToast(job.job));
    }
  }, [channel, job, latest]);
}

function describe(status: ConnectionStatus, fallback: string): { description: string } {
  return { description: status.lastError?.message ?? fallback };
}
