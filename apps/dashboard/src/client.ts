import { type HeraldClient, localStorageAdapter } from '@herald/client';
import { createClient } from '@herald/client/tabs';
import { type CuttableSocket, createCuttableSocket } from './demo/cuttable-socket.js';

/**
 * The hub to talk to: the origin that served the page (the hub serves the dashboard with `--demo`), or
 * `?hub=http://127.0.0.1:8080` when running the Vite dev server separately.
 */
export function hubUrl(): string {
  return new URLSearchParams(window.location.search).get('hub') ?? window.location.origin;
}

/**
 * Where the client persists its outbox (notes and posts queued while offline survive a reload); the
 * activity feed reads the same storage to show those posts pending again after a reload.
 */
export const dashboardStorage = localStorageAdapter('herald-dashboard:');

/**
 * The dashboard's one client, created once outside React so StrictMode never opens a second socket. Its
 * tabs share one connection (docs/tabs.md): the tab that leads holds the socket (and the cut control's
 * switch, and the persisted outbox); the others reach it over BroadcastChannel.
 */
export function createDashboardClient(): { client: HeraldClient; socket: CuttableSocket } {
  const socket = createCuttableSocket();
  const client = createClient({
    url: hubUrl(),
    shareAcrossTabs: true,
    WebSocket: socket.WebSocket,
    // Notes queued while offline survive a reload.
    persistence: dashboardStorage,
    // Short waits keep the demo lively after the cut control's five seconds.
    backoff: { initialMs: 500, maxMs: 5_000 },
    lazy: false,
  });
  return { client, socket };
}
