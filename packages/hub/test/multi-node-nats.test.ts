import { afterEach, describe, it } from 'vitest';
import { SHARED_NATS, testStreams } from './engines/nats.js';
import { startPrivateNats } from './engines/private-nats.js';
import { type Cleanups, engineRestartScenario, nodeKillScenario, runCleanups } from './engines/scenario.js';

const cleanups: Cleanups = [];
afterEach(() => runCleanups(cleanups));

describe('two hub nodes on one NATS JetStream', () => {
  it('keeps every subscriber at exactly 1..N when a node is killed mid-stream', async () => {
    const names = testStreams();
    cleanups.push(() => names.remove());
    await nodeKillScenario({ kind: 'nats', servers: SHARED_NATS, ...names }, cleanups);
  }, 60_000);

  it('keeps every subscriber at exactly 1..N across a NATS restart mid-stream', async () => {
    const nats = await startPrivateNats();
    cleanups.push(() => nats.stop());
    const names = testStreams(nats.url);
    await engineRestartScenario(
      { kind: 'nats', servers: nats.url, ...names },
      () => nats.restart(),
      cleanups,
    );
  }, 60_000);
});
