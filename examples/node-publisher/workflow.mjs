// A MeatyMusic song workflow run, published as seed 000's backend EventPublisher would: one `run:<id>`
// channel, `node.start` / `node.end` per workflow node with durations, metrics, scores, issues and
// artifacts, the FIX loop (VALIDATE finds an issue, FIX runs, VALIDATE runs again), and `run.completed`.
// Every event id is derived from the run, the node, the attempt and the phase, so re-running the publisher
// for the same run stores nothing twice.

export const NODES = ['PLAN', 'STYLE', 'LYRICS', 'PRODUCER', 'COMPOSE', 'VALIDATE', 'FIX', 'RENDER', 'REVIEW'];

/** What each node reports when it ends (deterministic, so a re-run publishes identical events). */
function outcome(node, attempt, runId) {
  switch (node) {
    case 'PLAN':
      return { metrics: { sections: 5 }, artifacts: { plan: { sections: ['intro', 'verse', 'chorus', 'verse', 'chorus'] } } };
    case 'STYLE':
      return { metrics: { tags: 4 }, artifacts: { style: { genre: 'synth-pop', bpm: 112, key: 'A minor' } } };
    case 'LYRICS':
      return { metrics: { lines: 24 }, scores: { rhyme: 0.82 }, artifacts: { lyrics: { title: 'Neon Tide', lines: 24 } } };
    case 'PRODUCER':
      return { metrics: { tracks: 6 }, artifacts: { arrangement: { tracks: ['drums', 'bass', 'pads', 'lead', 'vox', 'fx'] } } };
    case 'COMPOSE':
      return { metrics: { tokens: 1830 }, artifacts: { prompt: { chars: 1830 } } };
    case 'VALIDATE':
      return attempt === 1
        ? {
            metrics: { checks: 12 },
            scores: { hook: 0.58, total: 0.71 },
            issues: [{ code: 'weak_hook', message: 'Chorus hook scores below 0.7', severity: 'warning' }],
          }
        : { metrics: { checks: 12 }, scores: { hook: 0.86, total: 0.89 }, issues: [] };
    case 'FIX':
      return { metrics: { edits: 3 }, artifacts: { lyrics: { title: 'Neon Tide', lines: 24, revision: 2 } } };
    case 'RENDER':
      return { metrics: { seconds: 184 }, artifacts: { audio: { url: `https://cdn.example.invalid/songs/${runId}.mp3`, seconds: 184 } } };
    case 'REVIEW':
      return { scores: { final: 0.91 }, artifacts: { review: { approved: true } } };
    default:
      return {};
  }
}

/** The order nodes run in: VALIDATE fails its first check, so FIX runs and VALIDATE runs again. */
export const SCHEDULE = [
  'PLAN', 'STYLE', 'LYRICS', 'PRODUCER', 'COMPOSE', 'VALIDATE', 'FIX', 'VALIDATE', 'RENDER', 'REVIEW',
];

/**
 * The run's events, in order, each with its idempotent id: `run.started`, a start and an end per scheduled
 * node, `run.completed`. Durations are deterministic (derived from the node and attempt).
 * @param {string} runId
 */
export function workflowEvents(runId) {
  const events = [{ id: `${runId}:run:started`, type: 'run.started', data: { run_id: runId, nodes: NODES } }];
  const attempts = new Map();
  let total = 0;
  for (const node of SCHEDULE) {
    const attempt = (attempts.get(node) ?? 0) + 1;
    attempts.set(node, attempt);
    const base = { run_id: runId, node, attempt };
    events.push({ id: `${runId}:${node}:${attempt}:start`, type: 'node.start', data: { ...base, phase: 'start' } });
    const durationMs = 400 + ((node.length * 137 + attempt * 71) % 900);
    total += durationMs;
    const { metrics = {}, scores, issues = [], artifacts } = outcome(node, attempt, runId);
    events.push({
      id: `${runId}:${node}:${attempt}:end`,
      type: 'node.end',
      data: {
        ...base,
        phase: 'end',
        duration_ms: durationMs,
        metrics,
        issues,
        ...(scores ? { scores } : {}),
        ...(artifacts ? { artifacts } : {}),
      },
    });
  }
  events.push({
    id: `${runId}:run:completed`,
    type: 'run.completed',
    data: { run_id: runId, status: 'succeeded', duration_ms: total },
  });
  return events;
}

/**
 * Publishes a whole run on `run:<runId>`, one event at a time with `delayMs` between them (as a live run
 * would), and adds each event's `ts` when it happens. Returns the acks.
 * @param {import('./herald.mjs').EventPublisher} publisher
 * @param {string} runId
 * @param {{ delayMs?: number, onEvent?: (event: object, ack: object) => void }} [options]
 */
export async function publishRun(publisher, runId, { delayMs = 0, onEvent } = {}) {
  const channel = `run:${runId}`;
  const acks = [];
  for (const event of workflowEvents(runId)) {
    const [ack] = await publisher.publish(channel, event);
    acks.push(ack);
    onEvent?.(event, ack);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  return acks;
}
