// @vitest-environment jsdom
import type { Envelope } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import {
  eventDuration,
  eventNode,
  eventPhase,
  formatDuration,
  isFailureEvent,
  matchesFilter,
} from '../src/components/event-format.js';

const env = (type: string, data: Envelope['data']): Envelope => ({
  channel: 'run:1',
  seq: 1,
  id: 'e1',
  ts: '2026-01-01T00:00:00.000Z',
  type,
  data,
});

describe('event formatting', () => {
  it('reads node, phase and duration from node events', () => {
    const e = env('node.end', { node: 'LYRICS', duration_ms: 1234 });
    expect(eventNode(e)).toBe('LYRICS');
    expect(eventPhase(e)).toBe('end');
    expect(eventDuration(e)).toBe(1234);
    expect(eventNode(env('progress', { step: 'encode' }))).toBe('encode');
    expect(eventPhase(env('status_change', { status: 'queued' }))).toBe('queued');
    expect(eventNode(env('x', [1, 2]))).toBeNull();
  });

  it('flags failures', () => {
    expect(isFailureEvent(env('node.fail', { node: 'FIX' }))).toBe(true);
    expect(isFailureEvent(env('error', { code: 'x' }))).toBe(true);
    expect(isFailureEvent(env('run.completed', { status: 'failed' }))).toBe(true);
    expect(isFailureEvent(env('run.completed', { status: 'succeeded' }))).toBe(false);
    expect(isFailureEvent(env('node.end', { node: 'FIX' }))).toBe(false);
  });

  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1250)).toBe('1.3 s');
    expect(formatDuration(125_000)).toBe('2 m 05 s');
  });

  it('filters by type, node or phase, case-insensitively', () => {
    const e = env('node.start', { node: 'COMPOSE' });
    expect(matchesFilter(e, '')).toBe(true);
    expect(matchesFilter(e, 'compose')).toBe(true);
    expect(matchesFilter(e, 'node.st')).toBe(true);
    expect(matchesFilter(e, 'LYRICS')).toBe(false);
  });
});
