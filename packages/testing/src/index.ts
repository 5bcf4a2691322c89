/**
 * Test kit for apps built on Herald: a fault-injecting TCP proxy to simulate network trouble, a polling
 * `waitFor` helper, and (with `@herald/hub`) an in-process hub on a free port.
 * @packageDocumentation
 */
export {
  createFaultProxy,
  type FaultProxy,
  type FaultProxyOptions,
  type FaultProxyStats,
} from './fault-proxy.js';
export { type WaitForOptions, waitFor } from './wait-for.js';
