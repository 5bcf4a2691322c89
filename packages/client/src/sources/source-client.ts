import { createClient } from '../client.js';
import type { HeraldClient } from '../types.js';
import { createLedger, type Ledger } from './ledger.js';
import { openSession, type Wire, type WireLink } from './local-hub.js';
import type { SourceClientOptions } from './types.js';

/** Opens one backend connection for one transport attempt, given the token `getToken` gave. */
export type ConnectWire = (link: WireLink, token: string | undefined, ledger: Ledger) => Wire;

/**
 * A Herald client whose transport is a backend without a hub: one ledger for the source's whole life (its
 * epoch, each channel's seq and the ids seen), one session per connection attempt. Status, backoff,
 * resume positions, dedupe by seq and gaps are the client's own, so every hook works unchanged.
 */
export function createSourceClient(
  url: string,
  options: SourceClientOptions & { dedupeWindow?: number },
  connect: ConnectWire,
): HeraldClient {
  const epoch = `src-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const ledger = createLedger(options.dedupeWindow ?? 1000, epoch);
  return createClient({
    ...options,
    url,
    openTransport: (handlers) => openSession(ledger, handlers, (link, token) => connect(link, token, ledger)),
  });
}
