import { CloseCode } from '@herald/protocol';
import type { Emitter } from './emitter.js';
import { canTransition } from './state-machine.js';
import type { ClientEventMap, ConnectionState, ConnectionStatus, Logger } from './types.js';

/** The connection state and its status snapshot, changed only through `setState`/`update`. */
export interface StatusStore {
  readonly state: ConnectionState;
  /** The current snapshot; a new object only when a field changed. */
  readonly status: ConnectionStatus;
  /** Merges `patch` into the snapshot; emits `status` if something changed (unless `silent`). */
  update(patch: Partial<ConnectionStatus>, silent?: boolean): boolean;
  /**
   * Moves to `next` if the transition table allows it, then emits `state`, `connected`/`disconnected` and
   * `status`, in that order, with the snapshot already updated. A refused or same-state move only patches.
   */
  setState(next: ConnectionState, patch?: Partial<ConnectionStatus>, code?: number, reason?: string): void;
}

/** Creates the status store, starting `idle`. */
export function createStatusStore(events: Emitter<ClientEventMap>, log: Logger): StatusStore {
  let state: ConnectionState = 'idle';
  let status: ConnectionStatus = {
    state,
    attempt: 0,
    nextRetryAt: null,
    lastError: null,
    lastConnectedAt: null,
    transport: null,
  };
  const update = (patch: Partial<ConnectionStatus>, silent = false): boolean => {
    const next = { ...status, ...patch };
    const changed = (Object.keys(patch) as (keyof ConnectionStatus)[]).some((k) => next[k] !== status[k]);
    if (changed) status = next;
    if (changed && !silent) events.emit('status', status);
    return changed;
  };
  return {
    get state() {
      return state;
    },
    get status() {
      return status;
    },
    update,
    setState(next, patch = {}, code, reason) {
      const old = state;
      if (old === next || !canTransition(old, next)) {
        update(patch);
        return;
      }
      state = next;
      const changed = update({ ...patch, state: next }, true);
      log.debug?.(`herald: ${old} -> ${next}`, { code, reason });
      events.emit('state', {
        oldState: old,
        newState: next,
        ...(code === undefined ? {} : { code }),
        ...(reason === undefined ? {} : { reason }),
      });
      if (next === 'connected') events.emit('connected', { transport: status.transport ?? 'websocket' });
      if (old === 'connected')
        events.emit('disconnected', { code: code ?? CloseCode.Normal, reason: reason ?? '' });
      if (changed) events.emit('status', status);
    },
  };
}
