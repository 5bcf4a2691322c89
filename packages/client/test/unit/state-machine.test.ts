import { describe, expect, it } from 'vitest';
import { canTransition, TRANSITIONS } from '../../src/state-machine.js';
import type { ConnectionState } from '../../src/types.js';

const STATES: ConnectionState[] = [
  'idle',
  'connecting',
  'connected',
  'reconnecting',
  'offline',
  'failed',
  'closed',
];

describe('connection state machine', () => {
  it('lists every state', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...STATES].sort());
  });

  it('allows exactly the documented moves', () => {
    const allowed = STATES.flatMap((from) =>
      STATES.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`),
    );
    expect(allowed).toEqual([
      'idle>connecting',
      'idle>offline',
      'idle>closed',
      'connecting>idle',
      'connecting>connected',
      'connecting>reconnecting',
      'connecting>offline',
      'connecting>failed',
      'connecting>closed',
      'connected>idle',
      'connected>connecting',
      'connected>reconnecting',
      'connected>offline',
      'connected>failed',
      'connected>closed',
      'reconnecting>connecting',
      'reconnecting>offline',
      'reconnecting>failed',
      'reconnecting>closed',
      'offline>connecting',
      'offline>reconnecting',
      'offline>closed',
      'failed>connecting',
      'failed>closed',
    ]);
  });

  it('makes closed terminal and every state closable', () => {
    for (const s of STATES) expect(canTransition('closed', s)).toBe(false);
    for (const s of STATES.filter((x) => x !== 'closed')) expect(canTransition(s, 'closed')).toBe(true);
  });

  it('never connects without passing through connecting', () => {
    for (const s of STATES.filter((x) => x !== 'connecting'))
      expect(canTransition(s, 'connected')).toBe(false);
  });
});
