export { createNatsBroker, type NatsBroker, type NatsBrokerOptions } from './broker.js';
export { createNatsStore, type NatsStore, type NatsStoreOptions } from './store.js';
