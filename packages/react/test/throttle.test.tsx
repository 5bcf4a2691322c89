// @vitest-environment jsdom
import {
  applyStateOps,
  EMPTY_STATE,
  type JsonValue,
  jobOps,
  jobView,
  type PublishInput,
  type StateOp,
} from '@herald/protocol';
import { render } from '@testing-library/react';
import { Profiler } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useChannelEvents } from '../src/hooks/use-channel-events.js';
import { useJob } from '../src/hooks/use-job.js';
import { type SnapshotSource, type ThrottleClock, throttleSource } from '../src/internal/throttled-source.js';
import { type Fixture, startFixture, waitFor } from './helpers.js';
import { type StateFixture, startStateFixture } from './state-fixture.js';

/** A clock whose time only moves when the test says, with the timers due by then run in order. */
function manualClock(): ThrottleClock & { advance(ms: number): void } {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let ids = 0;
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++ids;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.id !== handle);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (due === undefined) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = end;
    },
  };
}

/** A source whose snapshot is a counter the test bumps. */
function counterSource(): SnapshotSource<number> & { bump(): void; listeners: number } {
  let value = 0;
  const listeners = new Set<() => void>();
  return {
    get listeners() {
      return listeners.size;
    },
    getSnapshot: () => value,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    bump() {
      value++;
      for (const l of [...listeners]) l();
    },
  };
}

describe('throttleSource (pure logic, manual clock)', () => {
  it('publishes the first change at once, then at most once per interval, ending on the latest', () => {
    const clock = manualClock();
    const source = counterSource();
    const view = throttleSource(source, 100, clock);
    const seen: [number, number][] = [];
    const stop = view.subscribe(() => seen.push([clock.now(), view.getSnapshot()]));
    source.bump(); // t=0: leading edge
    for (let i = 0; i < 25; i++) {
      clock.advance(10);
      source.bump(); // 25 more changes over 250 ms
    }
    clock.advance(500);
    expect(seen).toEqual([
      [0, 1],
      [100, 10],
      [200, 20],
      [300, 26],
    ]);
    expect(view.getSnapshot()).toBe(source.getSnapshot());
    stop();
    expect(source.listeners).toBe(0);
  });

  it('never publishes before the interval ends, even when a timer fires early', () => {
    const clock = manualClock();
    const early: ThrottleClock = {
      ...clock,
      setTimeout: (fn, ms) => clock.setTimeout(fn, Math.max(1, ms - 5)),
    };
    const source = counterSource();
    const view = throttleSource(source, 100, early);
    const at: number[] = [];
    view.subscribe(() => at.push(clock.now()));
    source.bump();
    clock.advance(1);
    source.bump();
    clock.advance(300);
    expect(at).toEqual([0, 100]);
    expect(view.getSnapshot()).toBe(2);
  });

  it('catches up on subscribe with what changed while nobody listened', () => {
    const clock = manualClock();
    const source = counterSource();
    const view = throttleSource(source, 100, clock);
    source.bump();
    source.bump();
    expect(view.getSnapshot()).toBe(0);
    view.subscribe(() => {});
    expect(view.getSnapshot()).toBe(2);
  });
});

let sx: StateFixture | undefined;
let fx: Fixture | undefined;
afterEach(async () => {
  await sx?.close();
  await fx?.close();
  sx = fx = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The most entries of sorted `times` inside any half-open window [t, t + span). */
function maxInWindow(times: readonly number[], span: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= span) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

const JOB_CHANNEL = 'job:fast';
/** What the job view rendered last. */
let last: ReturnType<typeof useJob> | undefined;

/** A job's progress bar, with useJob's default throttle. */
function JobView() {
  const job = useJob(JOB_CHANNEL);
  last = job;
  return <progress value={job.progress} max={1} aria-label="Encoding" />;
}

/** The events the throttled log rendered last. */
let shown: readonly { data: unknown }[] = [];

/** An event count read with a 250 ms throttle. */
function Log() {
  const { events } = useChannelEvents<{ n: number }>('feed:throttled', { throttleMs: 250 });
  shown = events;
  return <span>{events.length}</span>;
}

describe('render throttles against a real hub', () => {
  it('a job at 1,000 progress events/s renders at most 10 times per second and ends on the fold of every event', async () => {
    sx = await startStateFixture();
    const channel = JOB_CHANNEL;
    const f = sx;
    const create = [...jobOps.create({ plan: ['ENCODE'], at: '2026-12-01T10:00:00.000Z' })];
    await f.publish(channel, create);
    const commits: { at: number; progress: number }[] = [];
    last = undefined as typeof last; // (typed so the closure-set value is not narrowed away)
    render(
      <f.wrapper>
        <Profiler
          id="job"
          onRender={() => commits.push({ at: performance.now(), progress: last?.progress ?? -1 })}
        >
          <JobView />
        </Profiler>
      </f.wrapper>,
    );
    await waitFor(() => last !== undefined && !last.loading);
    await sleep(200);

    // 3,000 events over 3 s: 10 every 10 ms, each a progress step and a step progress.
    const total = 3000;
    const all: StateOp[][] = [create, ...[jobOps.start('2026-12-01T10:00:01.000Z')]];
    await f.publish(channel, all[1] as StateOp[]);
    const startedAt = performance.now();
    const before = commits.length;
    let sent = 0;
    while (sent < total) {
      const batch: PublishInput[] = [];
      for (let i = 0; i < 10; i++) {
        sent++;
        const ops = [
          ...jobOps.progress(sent / total, { message: `frame ${sent}` }),
          ...jobOps.stepProgress('ENCODE', sent / total),
        ];
        all.push(ops);
        batch.push({ type: 'job.progress', data: { n: sent }, state: ops });
      }
      await f.hub.publish(channel, batch);
      const due = startedAt + (sent / total) * 3000;
      await sleep(Math.max(0, due - performance.now()));
    }
    const streamEnd = performance.now();
    await waitFor(() => last?.job.message === `frame ${total}`);
    await sleep(300); // nothing more may come
    const streamCommits = commits.slice(before).map((c) => c.at);
    const seconds = (streamEnd - startedAt) / 1000;

    // The figure: about 10 renders in any second, however many events arrived.
    const busiest = maxInWindow(streamCommits, 1000);
    console.log(
      `throttle figure: ${total} progress events in ${seconds.toFixed(2)} s ` +
        `(${Math.round(total / seconds)}/s) -> ${streamCommits.length} renders, at most ${busiest} in any 1 s window`,
    );
    expect(seconds).toBeLessThan(4.5); // the stream really ran at about 1,000 events/s
    // The throttle publishes at most once per 100 ms; a commit trails its publish by React's scheduling,
    // so under load one delayed commit and one prompt one can share a sliding window's edge: 10 + 1.
    expect(busiest).toBeLessThanOrEqual(11);
    expect(streamCommits.length).toBeGreaterThanOrEqual(Math.floor(seconds * 5)); // it kept drawing
    expect(streamCommits.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 2);

    // Nothing lost: the last render shows the fold of every event's operations.
    let expected: JsonValue = EMPTY_STATE;
    for (const ops of all) {
      const result = applyStateOps(expected, ops);
      if (!result.ok) throw new Error(result.error.message);
      expected = result.state;
    }
    const view = jobView(expected);
    expect(last?.job).toEqual(view.job);
    expect(last?.progress).toBe(1);
    expect(commits.at(-1)?.progress).toBe(1);
    const res = await fetch(`${f.hub.url}/v1/channels/${channel}/state`);
    const body = (await res.json()) as { seq: number; state: JsonValue };
    expect(body.seq).toBe(total + 2);
    expect(body.state).toEqual(expected);
  });

  it('useChannelEvents with throttleMs renders at most once per interval and ends with every event', async () => {
    fx = await startFixture();
    const hub = fx.hub;
    const times: number[] = [];
    shown = [];
    render(
      <fx.wrapper>
        <Profiler id="log" onRender={() => times.push(performance.now())}>
          <Log />
        </Profiler>
      </fx.wrapper>,
    );
    await waitFor(() => fx?.client.stats().subscriptions === 1);
    await sleep(300);
    const before = times.length;
    for (let i = 1; i <= 400; i++) {
      await hub.publish('feed:throttled', [{ type: 'tick', data: { n: i } }]);
      if (i % 20 === 0) await sleep(25);
    }
    await waitFor(() => shown.length === 400);
    const stream = times.slice(before);
    for (let i = 1; i < stream.length; i++)
      expect((stream[i] as number) - (stream[i - 1] as number)).toBeGreaterThanOrEqual(249);
    expect(stream.length).toBeGreaterThan(1);
    expect(shown.map((e) => (e.data as { n: number }).n)).toEqual(
      Array.from({ length: 400 }, (_, i) => i + 1),
    );
  });
});
