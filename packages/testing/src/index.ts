/**
 * Test kit for apps built on Herald: an in-process hub on a free port that can restart in place, a
 * fault-injecting TCP proxy to simulate network trouble, a polling `waitFor` helper and a token signer.
 * @packageDocumentation
 */
export {
  createFaultProxy,
  type FaultProxy,
  type FaultProxyOptions,
  type FaultProxyStats,
} from './fault-proxy.js';
export { startTestHub, type TestHub, type TestHubOptions } from './test-hub.js';
export { createTestToken, type TestTokenOptions } from './test-token.js';
export { type WaitForOptions, waitFor } from './wait-for.js';
