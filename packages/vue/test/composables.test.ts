// @vitest-environment jsdom
import type { Envelope } from '@herald/protocol';
import { mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, effectScope, h, type PropType } from 'vue';
import { createHerald, useChannelEvents, useChannelFold, useConnectionStatus } from '../src/index.js';
import { type Fixture, startFixture, waitFor } from './helpers.js';

/** An app's own vocabulary: the sum of `n` over `tick` events. */
const sumTicks = (sum: number, event: Envelope<{ n: number }>) =>
  event.type === 'tick' ? sum + event.data.n : sum;

const Live = defineComponent({
  props: {
    channel: { type: String as PropType<string | null>, default: null },
    limit: { type: Number, default: 1000 },
  },
  setup(props) {
    const connection = useConnectionStatus();
    const { events, status } = useChannelEvents<{ n: number }>(() => props.channel, { limit: props.limit });
    const sum = useChannelFold(() => props.channel, sumTicks, 0);
    return () =>
      h('div', [
        h('span', { id: 'connection' }, connection.value.state),
        h('span', { id: 'status' }, status.value),
        h('span', { id: 'events' }, events.value.map((e) => `${e.channel}#${e.seq}:${e.data.n}`).join(' ')),
        h('span', { id: 'sum' }, String(sum.value)),
      ]);
  },
});

let fx: Fixture | undefined;
let wrapper: VueWrapper | undefined;
afterEach(async () => {
  wrapper?.unmount();
  wrapper = undefined;
  await fx?.close();
  fx = undefined;
});

function mountLive(props: { channel: string | null; limit?: number }): VueWrapper {
  if (fx === undefined) throw new Error('no fixture');
  wrapper = mount(Live, { props, global: { plugins: [createHerald(fx.client)] } });
  return wrapper;
}

const text = (w: VueWrapper, id: string) => w.find(`#${id}`).text();

describe('@herald/vue composables against a real hub', () => {
  it('shows the connection going to connected and events (history, then live) in order, folded', async () => {
    fx = await startFixture();
    await fx.publish('run:a', [
      { type: 'tick', data: { n: 1 } },
      { type: 'tick', data: { n: 2 } },
    ]);
    const w = mountLive({ channel: 'run:a' });
    expect(text(w, 'status')).toBe('loading');
    await waitFor(() => expect(text(w, 'connection')).toBe('connected'));
    await waitFor(() => expect(text(w, 'events')).toBe('run:a#1:1 run:a#2:2'));
    expect(text(w, 'status')).toBe('live');
    await fx.publish('run:a', [
      { type: 'note', data: { n: 100 } },
      { type: 'tick', data: { n: 3 } },
    ]);
    await waitFor(() => expect(text(w, 'events')).toBe('run:a#1:1 run:a#2:2 run:a#3:100 run:a#4:3'));
    await waitFor(() => expect(text(w, 'sum')).toBe('6'));
  });

  it('keeps only the newest `limit` events', async () => {
    fx = await startFixture();
    await fx.publish(
      'run:lim',
      [1, 2, 3, 4, 5].map((n) => ({ type: 'tick', data: { n } })),
    );
    const w = mountLive({ channel: 'run:lim', limit: 2 });
    await waitFor(() => expect(text(w, 'events')).toBe('run:lim#4:4 run:lim#5:5'));
    // The fold saw every event, not only the two kept.
    await waitFor(() => expect(text(w, 'sum')).toBe('15'));
  });

  it('switching channels resubscribes: the new channel shows, the old subscription is released', async () => {
    fx = await startFixture();
    await fx.publish('run:one', [{ type: 'tick', data: { n: 1 } }]);
    await fx.publish('run:two', [{ type: 'tick', data: { n: 20 } }]);
    const w = mountLive({ channel: 'run:one' });
    await waitFor(() => expect(text(w, 'events')).toBe('run:one#1:1'));
    await w.setProps({ channel: 'run:two' });
    await waitFor(() => expect(text(w, 'events')).toBe('run:two#1:20'));
    await waitFor(() => expect(text(w, 'sum')).toBe('20'));
    await waitFor(() => expect(fx?.client.stats().subscriptions).toBe(1));
    await fx.publish('run:one', [{ type: 'tick', data: { n: 2 } }]);
    await fx.publish('run:two', [{ type: 'tick', data: { n: 30 } }]);
    await waitFor(() => expect(text(w, 'events')).toBe('run:two#1:20 run:two#2:30'));
    await w.setProps({ channel: null });
    expect(text(w, 'events')).toBe('');
    expect(text(w, 'sum')).toBe('0');
    await waitFor(() => expect(fx?.client.stats().subscriptions).toBe(0));
  });

  it('unmounting releases the subscription; components on one channel share one', async () => {
    fx = await startFixture();
    const plugins = [createHerald(fx.client)];
    const a = mount(Live, { props: { channel: 'run:shared' }, global: { plugins } });
    const b = mount(Live, { props: { channel: 'run:shared' }, global: { plugins } });
    await waitFor(() => expect(text(a, 'status')).toBe('live'));
    await waitFor(() => expect(text(b, 'status')).toBe('live'));
    expect(fx.client.stats().subscriptions).toBe(1);
    a.unmount();
    await fx.publish('run:shared', [{ type: 'tick', data: { n: 7 } }]);
    await waitFor(() => expect(text(b, 'sum')).toBe('7'));
    expect(fx.client.stats().subscriptions).toBe(1);
    b.unmount();
    await waitFor(() => expect(fx?.client.stats().subscriptions).toBe(0));
  });

  it('works in an effectScope with the client option, and clear() hides what was received', async () => {
    fx = await startFixture();
    const client = fx.client;
    await fx.publish('run:scope', [{ type: 'tick', data: { n: 1 } }]);
    const scope = effectScope();
    const refs = scope.run(() => ({
      events: useChannelEvents('run:scope', { client }),
      status: useConnectionStatus({ client }),
    }));
    if (refs === undefined) throw new Error('scope did not run');
    await waitFor(() => expect(refs.events.events.value.map((e) => e.seq)).toEqual([1]));
    expect(refs.status.value.state).toBe('connected');
    refs.events.clear();
    expect(refs.events.events.value).toEqual([]);
    await fx.publish('run:scope', [{ type: 'tick', data: { n: 2 } }]);
    await waitFor(() => expect(refs.events.events.value.map((e) => e.seq)).toEqual([2]));
    scope.stop();
    await waitFor(() => expect(client.stats().subscriptions).toBe(0));
  });

  it('throws a clear error without a provided client', () => {
    const scope = effectScope();
    expect(() => scope.run(() => useConnectionStatus())).toThrow(/createHerald/);
    scope.stop();
  });
});
