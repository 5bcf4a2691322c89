/**
 * Test kit for apps built on Herald: an in-process hub on a free port that can restart in place, a
 * fault-injecting TCP proxy to simulate network trouble, an HTTP proxy that refuses WebSocket upgrades, a polling `waitFor` helper, a token signer, and
 * wire-level helpers (a raw protocol client, HTTP requests, seq assertions, free ports) for tests of the hub
 * itself.
 * @packageDocumentation
 */
export {
  createFaultProxy,
  type FaultProxy,
  type FaultProxyOptions,
  type FaultProxyStats,
} from './fault-proxy.js';
export { type HttpRequestOptions, type HttpResponse, http, publishMany } from './http.js';
export { freePort, portClosed, waitForPort } from './ports.js';
export { range, seqs } from './sequences.js';
export {
  type ServerErrorMessage,
  TestClient,
  type TestClientClose,
  type TestClientOptions,
} from './test-client.js';
export { startTestHub, type TestHub, type TestHubOptions } from './test-hub.js';
export { createTestToken, type TestTokenOptions } from './test-token.js';
export {
  startUpgradeBlockingProxy,
  type UpgradeBlockingProxy,
  type UpgradeBlockingProxyOptions,
} from './upgrade-blocking-proxy.js';
export { type WaitForOptions, type WaitForResult, waitFor } from './wait-for.js';
