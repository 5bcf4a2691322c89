import type { ConnectionStatus } from '@herald/client';
import type { ShallowRef } from 'vue';
import { type ClientOption, useHeraldClient } from './context.js';
import { useExternalStore } from './external-store.js';

/** Options of {@link useConnectionStatus}. */
export type UseConnectionStatusOptions = ClientOption;

/**
 * The client's connection status (state, attempt, nextRetryAt, lastError, lastConnectedAt, transport) as a
 * readonly shallow ref, updated whenever the client reports a new status. In a template,
 * `status.state === 'connected'`.
 */
export function useConnectionStatus(
  options: UseConnectionStatusOptions = {},
): Readonly<ShallowRef<ConnectionStatus>> {
  const client = useHeraldClient(options.client);
  const store = {
    getSnapshot: () => client.getStatus(),
    subscribe: (listener: () => void) => client.on('status', listener),
  };
  return useExternalStore(
    () => store,
    () => client.getStatus(),
  );
}
