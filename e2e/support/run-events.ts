import { randomUUID } from 'node:crypto';
import type { JsonValue } from '@herald/protocol';
import { publish } from './http.js';

/** The MeatyMusic nodes, in order (no FIX pass: the e2e runs pass validation first time). */
export const RUN_NODES = [
  'PLAN',
  'STYLE',
  'LYRICS',
  'PRODUCER',
  'COMPOSE',
  'VALIDATE',
  'RENDER',
  'REVIEW',
] as const;

/** A fresh run id, so every test has its own `run:<id>` channel on the shared hub. */
export function freshRunId(prefix = 'e2e'): string {
  return `${prefix}_${randomUUID().slice(0, 8)}`;
}

/** Publishes workflow events for one run, the way a MeatyMusic backend would, over HTTP. */
export function runPublisher(baseUrl: string, runId: string, songTitle = 'Paper Satellites') {
  const channel = `run:${runId}`;
  const node = (name: string, phase: 'start' | 'end', extra: Record<string, JsonValue> = {}): JsonValue => ({
    run_id: runId,
    node: name,
    phase,
    duration_ms: phase === 'start' ? 0 : 420,
    metrics: {},
    scores: {},
    issues: [],
    artifacts: {},
    ...extra,
  });
  return {
    channel,
    async started(): Promise<number> {
      await publish(baseUrl, 'runs', 'run.started', { run_id: runId, channel, song_title: songTitle });
      return publish(baseUrl, channel, 'run.started', {
        run_id: runId,
        song_title: songTitle,
        nodes: [...RUN_NODES],
      });
    },
    nodeStart: (name: string) => publish(baseUrl, channel, 'node.start', node(name, 'start')),
    nodeEnd: (name: string, extra?: Record<string, JsonValue>) =>
      publish(baseUrl, channel, 'node.end', node(name, 'end', extra)),
    async completed(): Promise<number> {
      const data = { run_id: runId, status: 'completed', duration_ms: 5400 };
      const seq = await publish(baseUrl, channel, 'run.completed', data);
      await publish(baseUrl, 'runs', 'run.completed', { ...data, channel, song_title: songTitle });
      return seq;
    },
  };
}
