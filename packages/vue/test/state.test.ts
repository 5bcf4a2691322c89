// @vitest-environment jsdom
import { createClient } from '@herald/client';
import { collectionOps, type JobState, jobOps, type PublishInput } from '@herald/protocol';
import { startTestHub, type TestHub, waitFor } from '@herald/testing';
import { mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, effectScope, h } from 'vue';
import { WebSocket } from 'ws';
import { createHerald, useChannelState, useCollection, useJob, useJobOutput } from '../src/index.js';

let hub: TestHub | undefined;
let client: ReturnType<typeof createClient> | undefined;
let wrapper: VueWrapper | undefined;
afterEach(async () => {
  wrapper?.unmount();
  client?.close();
  await hub?.close();
  wrapper = hub = client = undefined;
});

async function start() {
  hub = await startTestHub({ sqlite: true });
  client = createClient({ url: hub.url, WebSocket, backoff: { initialMs: 50, maxMs: 200 } });
  return { hub, client };
}
const publish = (channel: string, ...ops: PublishInput['state'][]) =>
  hub!.publish(
    channel,
    ops.map((state) => ({ type: 'job', data: null, ...(state && { state }) })),
  );

describe('@herald/vue state composables against a real hub', () => {
  it('useJob, useJobOutput and useChannelState in a component: snapshot, live ops, onDone once', async () => {
    const { client } = await start();
    await publish('job:v', jobOps.create({ plan: ['A', 'B'] }), jobOps.start(), jobOps.stepStart('A'));
    const done: JobState[] = [];
    const Job = defineComponent({
      setup() {
        const { view, loading } = useJob('job:v', { onDone: (job) => done.push(job) });
        const text = useJobOutput('job:v', 'log');
        const raw = useChannelState('job:v');
        return () =>
          h('div', [
            h('span', { id: 'loading' }, String(loading.value)),
            h('span', { id: 'steps' }, view.value.steps.map((s) => `${s.name}:${s.status}`).join(' ')),
            h('span', { id: 'progress' }, String(Math.round(view.value.progress * 100))),
            h('span', { id: 'done' }, String(view.value.isDone)),
            h('span', { id: 'text' }, text.value),
            h('span', { id: 'seq' }, String(raw.value.seq)),
          ]);
      },
    });
    wrapper = mount(Job, { global: { plugins: [createHerald(client)] } });
    const text = (id: string) => wrapper!.find(`#${id}`).text();
    await waitFor(() => text('loading') === 'false' && text('steps') === 'A:running B:pending');
    expect(text('seq')).toBe('3');
    await publish(
      'job:v',
      jobOps.append('log', 'hello '),
      jobOps.append('log', 'world'),
      jobOps.stepEnd('A'),
    );
    await waitFor(() => text('text') === 'hello world');
    expect(text('progress')).toBe('50');
    await publish('job:v', jobOps.complete());
    await waitFor(() => text('done') === 'true');
    await hub!.restart();
    await waitFor(() => client.state === 'connected');
    await publish('job:v', jobOps.metadata('after', true));
    await waitFor(() => text('seq') === '8'); // create, start, step, 2 appends, step end, complete, metadata
    expect(done.map((j) => j.status)).toEqual(['completed']);
  });

  it('useCollection in an effectScope: entries by key, and a TTL that passes hides its entry', async () => {
    const { client } = await start();
    await publish('jobs', collectionOps.set('j1', 'one'), collectionOps.set('j2', 'two', { ttlMs: 800 }));
    const scope = effectScope();
    const view = scope.run(() => useCollection<string>('jobs', { client }))!;
    await waitFor(() => view.value.entries.length === 2);
    expect(view.value.entries.map((e) => [e.key, e.value])).toEqual([
      ['j1', 'one'],
      ['j2', 'two'],
    ]);
    await waitFor(() => view.value.entries.length === 1, { timeoutMs: 5000 });
    expect(view.value.entries[0]?.key).toBe('j1');
    scope.stop();
    await waitFor(() => client.stats().subscriptions === 0);
  });
});
