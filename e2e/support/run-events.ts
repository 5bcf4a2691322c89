import { randomUUID } from 'node:crypto';
import type { JsonValue } from '@herald/protocol';
import {
  lyricsTokenOps,
  nodeEndOps,
  nodeStartOps,
  runCompletedOps,
  runEntryOps,
  runStartedOps,
} from '@herald/simulator';
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

const EMPTY_REPORT = { metrics: {}, scores: {}, issues: [], artifacts: {} };

/**
 * Publishes workflow events for one run, the way a MeatyMusic backend would, over HTTP: each event carries
 * the job vocabulary's state operations (the simulator's mapping), and the `runs` events keep the run's
 * entry in the `runs` collection.
 */
export function runPublisher(baseUrl: string, runId: string, songTitle = 'Paper Satellites') {
  const channel = `run:${runId}`;
  const startedAt = new Date().toISOString();
  const entry = (status: 'running' | 'completed', progress: number) =>
    runEntryOps({
      runId,
      channel,
      songTitle,
      genre: 'synthwave',
      status,
      progress,
      startedAt,
      durationMs: status === 'completed' ? 5400 : null,
      failedNode: null,
    });
  const node = (name: string, phase: 'start' | 'end', extra: Record<string, JsonValue> = {}): JsonValue => ({
    run_id: runId,
    node: name,
    phase,
    duration_ms: phase === 'start' ? 0 : 420,
    ...EMPTY_REPORT,
    ...extra,
  });
  return {
    channel,
    async started(): Promise<number> {
      const announce = { run_id: runId, channel, song_title: songTitle };
      await publish(baseUrl, 'runs', 'run.started', announce, undefined, entry('running', 0));
      const metadata = { run_id: runId, song_title: songTitle, genre: 'synthwave' };
      return publish(
        baseUrl,
        channel,
        'run.started',
        { ...metadata, nodes: [...RUN_NODES] },
        undefined,
        runStartedOps(RUN_NODES, metadata),
      );
    },
    nodeStart: (name: string) =>
      publish(baseUrl, channel, 'node.start', node(name, 'start'), undefined, nodeStartOps(name)),
    nodeEnd: (name: string, extra?: Record<string, JsonValue>) =>
      publish(
        baseUrl,
        channel,
        'node.end',
        node(name, 'end', extra),
        undefined,
        nodeEndOps(name, 420, EMPTY_REPORT, false),
      ),
    /** One streamed LYRICS token, appended to the run's `lyrics` output. */
    token: (index: number, text: string, progress: number) =>
      publish(
        baseUrl,
        channel,
        'lyrics.token',
        { run_id: runId, node: 'LYRICS', index, text },
        undefined,
        lyricsTokenOps(text, progress),
      ),
    async completed(): Promise<number> {
      const data = { run_id: runId, status: 'completed', duration_ms: 5400 };
      const seq = await publish(
        baseUrl,
        channel,
        'run.completed',
        data,
        undefined,
        runCompletedOps('completed', 5400),
      );
      await publish(
        baseUrl,
        'runs',
        'run.completed',
        { ...data, channel, song_title: songTitle },
        undefined,
        entry('completed', 1),
      );
      return seq;
    },
  };
}
