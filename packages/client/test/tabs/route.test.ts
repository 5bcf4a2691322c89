import type { Envelope } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { beginCatchUp, createRoute, goLive, routeEvent } from '../../src/tabs/route.js';

const ev = (seq: number): Envelope => ({
  channel: 'run:1',
  seq,
  id: `e${seq}`,
  ts: '2026-01-01T00:00:00.000Z',
  type: 't',
  data: null,
});
const seqs = (events: (Envelope | null)[]) => events.map((e) => e?.seq ?? null);

describe('tabs: routing one channel to one tab', () => {
  it('sends nothing while waiting, buffers while catching up, then sends the buffer after the history', () => {
    const route = createRoute('s1', { seq: 2 }, false);
    expect(routeEvent(route, ev(5))).toBeNull(); // no subscription yet: dropped, the history will have it
    beginCatchUp(route);
    expect(seqs([6, 7, 8].map((n) => routeEvent(route, ev(n))))).toEqual([null, null, null]);
    // The history reached 7: only 8 is left to send, and the tab is live from it.
    expect(seqs(goLive(route, 7))).toEqual([8]);
    expect(route).toMatchObject({ state: 'live', seq: 8, buffer: [] });
    expect(seqs([8, 9, 9, 10].map((n) => routeEvent(route, ev(n))))).toEqual([null, 9, null, 10]);
  });

  it('goes live at the history cursor when nothing newer was buffered', () => {
    const route = createRoute('s1', undefined, false);
    beginCatchUp(route);
    routeEvent(route, ev(3));
    expect(goLive(route, 4)).toEqual([]);
    expect(route.seq).toBe(4);
    expect(routeEvent(route, ev(4))).toBeNull();
  });

  it('a catch-up that starts over drops what was buffered before', () => {
    const route = createRoute('s1', undefined, true);
    beginCatchUp(route);
    routeEvent(route, ev(1));
    beginCatchUp(route);
    expect(route.buffer).toEqual([]);
  });

  it('forwards a seq past the next one, so the tab’s client sees the hole and subscribes again', () => {
    const route = createRoute('s1', undefined, false);
    beginCatchUp(route);
    goLive(route, 3);
    expect(routeEvent(route, ev(6))?.seq).toBe(6);
  });
});
