// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { useRef } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog } from '../src/components/event-log.js';
import { NewItemsButton } from '../src/components/new-items-button.js';
import { useChannelEvents } from '../src/hooks/use-channel-events.js';
import { useLiveEnd } from '../src/hooks/use-live-end.js';
import { useUnseenCount } from '../src/hooks/use-unseen-count.js';
import { type Fixture, startFixture, waitFor } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  cleanup();
  await fx?.close();
  fx = undefined;
});

/** jsdom has no layout: give a scroll area real-looking dimensions and a scrollTop the test moves. */
function fakeScroll(el: HTMLElement, height = 2000, client = 300): { to(top: number): void; top(): number } {
  let scrollTop = 0;
  Object.defineProperty(el, 'scrollHeight', { configurable: true, get: () => height });
  Object.defineProperty(el, 'clientHeight', { configurable: true, get: () => client });
  Object.defineProperty(el, 'scrollTop', {
    configurable: true,
    get: () => scrollTop,
    set: (v: number) => {
      scrollTop = v;
    },
  });
  return {
    to(top) {
      scrollTop = top;
      act(() => {
        fireEvent.scroll(el);
      });
    },
    top: () => scrollTop,
  };
}

const publish = (f: Fixture, channel: string, n: number) =>
  f.hub.publish(
    channel,
    Array.from({ length: n }, (_, i) => ({ type: 'goal.created', data: { i } })),
  );

/** A newest-first feed with the "N new activities" control. */
function Feed() {
  const { events } = useChannelEvents('feed:new');
  const ref = useRef<HTMLOListElement>(null);
  const live = useLiveEnd(ref, { edge: 'start' });
  const newestFirst = [...events].reverse();
  const unseen = useUnseenCount(
    newestFirst.map((e) => e.id),
    !live.atLiveEnd,
  );
  return (
    <section>
      <NewItemsButton
        count={unseen}
        onJump={live.jump}
        label={(n) => `${n} new ${n === 1 ? 'activity' : 'activities'}`}
      />
      <ol ref={ref} aria-label="Activity" data-at-live-end={live.atLiveEnd}>
        {newestFirst.map((e) => (
          <li key={e.id}>{e.seq}</li>
        ))}
      </ol>
    </section>
  );
}

describe('"N new" against a real hub', () => {
  it('EventLog counts events that arrive while scrolled up and clears when you jump back', async () => {
    fx = await startFixture();
    await publish(fx, 'log:new', 5);
    render(
      <fx.wrapper>
        <EventLog channel="log:new" />
      </fx.wrapper>,
    );
    const scroller = screen.getByRole('region', { name: 'Events, newest last' });
    await waitFor(() => scroller.getAttribute('data-count') === '5');
    const scroll = fakeScroll(scroller);
    scroll.to(1700);
    scroll.to(400); // the reader scrolls up
    expect(scroller.getAttribute('data-following')).toBe('false');
    const jump = await screen.findByRole('button', { name: 'Jump to latest' });

    await publish(fx, 'log:new', 3);
    await waitFor(() => jump.getAttribute('data-count') === '3');
    expect(jump.textContent).toBe('↓ Jump to latest · 3 new events');
    expect(screen.getByRole('button', { name: 'Jump to latest · 3 new events' })).toBe(jump);
    // The count sits in a polite live region that was there before it.
    expect(jump.parentElement?.getAttribute('aria-live')).toBe('polite');

    await userEvent.setup().click(jump);
    expect(scroller.getAttribute('data-following')).toBe('true');
    expect(screen.queryByRole('button', { name: /Jump to latest/ })).toBeNull();

    // Scrolled away again: counting starts from zero.
    scroll.to(200);
    const again = await screen.findByRole('button', { name: 'Jump to latest' });
    await publish(fx, 'log:new', 1);
    await waitFor(() => again.getAttribute('data-count') === '1');
    expect(again.textContent).toBe('↓ Jump to latest · 1 new event');
  });

  it('a newest-first feed with useLiveEnd + useUnseenCount shows "3 new activities" and jumps to the top', async () => {
    fx = await startFixture();
    await publish(fx, 'feed:new', 10);
    render(
      <fx.wrapper>
        <Feed />
      </fx.wrapper>,
    );
    const list = screen.getByRole('list', { name: 'Activity' });
    await waitFor(() => list.children.length === 10);
    const scroll = fakeScroll(list);
    expect(screen.queryByRole('button')).toBeNull();

    scroll.to(600);
    expect(list.getAttribute('data-at-live-end')).toBe('false');
    await publish(fx, 'feed:new', 3);
    const button = await screen.findByRole('button', { name: '3 new activities' });
    expect(button.textContent).toBe('↑ 3 new activities');

    await userEvent.setup().click(button);
    expect(scroll.top()).toBe(0);
    expect(list.getAttribute('data-at-live-end')).toBe('true');
    expect(screen.queryByRole('button')).toBeNull();
    // New items at the live end are not "new" to a reader who is there.
    await publish(fx, 'feed:new', 2);
    await waitFor(() => list.children.length === 15);
    expect(screen.queryByRole('button')).toBeNull();
  });
});
