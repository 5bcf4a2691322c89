import { describe, expect, it } from 'vitest';
import { elect } from '../../src/tabs/election.js';
import { createWatch, forget, sawBeat, tick } from '../../src/tabs/watch.js';
import { createMemoryLocks } from './memory-locks.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('tabs: the leader watch', () => {
  it('is dead after maxMisses unanswered ticks in a row, and a beat in between resets the count', () => {
    const watch = createWatch();
    expect(sawBeat(watch, 'A')).toBe(true);
    expect(sawBeat(watch, 'A')).toBe(false);
    expect([tick(watch, 3), tick(watch, 3), tick(watch, 3)]).toEqual(['probe', 'probe', 'probe']);
    sawBeat(watch, 'A');
    expect([tick(watch, 3), tick(watch, 3), tick(watch, 3)]).toEqual(['probe', 'probe', 'probe']);
    expect(tick(watch, 3)).toBe('dead');
    expect(watch.leader).toBeNull();
    expect(tick(watch, 3)).toBe('probe'); // counting starts over after a takeover attempt
  });

  it('a slow tick still counts one miss only: a throttled timer cannot make a live leader look dead', () => {
    const watch = createWatch();
    sawBeat(watch, 'A');
    tick(watch, 2); // asked
    sawBeat(watch, 'A'); // answered, however long the timer took
    expect(tick(watch, 2)).toBe('probe');
  });

  it('forgets a leader that said bye, and only that one', () => {
    const watch = createWatch();
    sawBeat(watch, 'B');
    expect(forget(watch, 'A')).toBe(false);
    expect(forget(watch, 'B')).toBe(true);
    expect(watch.leader).toBeNull();
    expect(sawBeat(watch, 'B')).toBe(true);
  });
});

describe('tabs: election over a lock manager', () => {
  it('grants the lock in turn: the next candidate leads when the leader withdraws', async () => {
    const locks = createMemoryLocks();
    const log: string[] = [];
    const one = elect(locks, 'n', { lead: () => log.push('1 leads'), lose: () => log.push('1 loses') });
    const two = elect(locks, 'n', { lead: () => log.push('2 leads'), lose: () => log.push('2 loses') });
    await settle();
    expect(log).toEqual(['1 leads']);
    one.close();
    await settle();
    expect(log).toEqual(['1 leads', '2 leads']);
    two.close();
  });

  it('a steal takes the lock from an unresponsive holder, which loses it and queues again', async () => {
    const locks = createMemoryLocks();
    const log: string[] = [];
    const one = elect(locks, 'n', { lead: () => log.push('1 leads'), lose: () => log.push('1 loses') });
    const two = elect(locks, 'n', { lead: () => log.push('2 leads'), lose: () => log.push('2 loses') });
    await settle();
    two.steal();
    await settle();
    expect(log).toEqual(['1 leads', '1 loses', '2 leads']);
    two.close(); // one was queued again: it leads next
    await settle();
    expect(log.at(-1)).toBe('1 leads');
    one.steal(); // a leader never steals from itself
    await settle();
    expect(log.at(-1)).toBe('1 leads');
    one.close();
  });
});
