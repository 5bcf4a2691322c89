// A MeatyMusic song workflow run (seed 000) written with createJobPublisher from @herald/client/jobs: one
// `run:<id>` channel whose state document is a job in Herald's job vocabulary. The nine nodes are the
// plan; each node is a step that starts and ends with its duration, metrics, scores, issues and artifacts
// as metadata; the FIX loop runs VALIDATE twice (attempt 2); LYRICS streams its text token by token into
// the `lyrics` output, as an LLM writes it; the rendered song is an artifact. A page opened mid-run gets
// all of it at once from the snapshot.
//
// Event ids are `<run>:<n>` (idPrefix), numbered in call order, so re-running the publisher for the same
// run stores nothing twice: the hub answers the original seqs with `duplicate: true`.
import { createJobPublisher } from '@herald/client/jobs';

export const NODES = ['PLAN', 'STYLE', 'LYRICS', 'PRODUCER', 'COMPOSE', 'VALIDATE', 'FIX', 'RENDER', 'REVIEW'];

/** The order nodes run in: VALIDATE fails its first check, so FIX runs and VALIDATE runs again. */
export const SCHEDULE = [
  'PLAN', 'STYLE', 'LYRICS', 'PRODUCER', 'COMPOSE', 'VALIDATE', 'FIX', 'VALIDATE', 'RENDER', 'REVIEW',
];

export const LYRICS = 'Neon tide, pull me under,\nstatic hearts and summer thunder.\n';

/** What each node reports when it ends (deterministic, so a re-run publishes identical events). */
function outcome(node, attempt) {
  switch (node) {
    case 'PLAN':
      return { metrics: { sections: 5 }, artifacts: { plan: { sections: ['intro', 'verse', 'chorus', 'verse', 'chorus'] } } };
    case 'STYLE':
      return { metrics: { tags: 4 }, artifacts: { style: { genre: 'synth-pop', bpm: 112, key: 'A minor' } } };
    case 'LYRICS':
      return { metrics: { lines: 2 }, scores: { rhyme: 0.82 } };
    case 'PRODUCER':
      return { metrics: { tracks: 6 }, artifacts: { arrangement: { tracks: ['drums', 'bass', 'pads', 'lead', 'vox', 'fx'] } } };
    case 'COMPOSE':
      return { metrics: { tokens: 1830 } };
    case 'VALIDATE':
      return attempt === 1
        ? {
            metrics: { checks: 12 },
            scores: { hook: 0.58, total: 0.71 },
            issues: [{ code: 'weak_hook', message: 'Chorus hook scores below 0.7', severity: 'warning' }],
          }
        : { metrics: { checks: 12 }, scores: { hook: 0.86, total: 0.89 }, issues: [] };
    case 'FIX':
      return { metrics: { edits: 3 } };
    case 'RENDER':
      return { metrics: { seconds: 184 } };
    case 'REVIEW':
      return { scores: { final: 0.91 }, artifacts: { review: { approved: true } } };
    default:
      return {};
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes a whole run on `run:<runId>`, pausing `delayMs` inside each node as a live run would. Resolves
 * with the acks `{id, seq, duplicate?}` of every event, in order.
 * @param {{ url: string, key?: string, runId: string, delayMs?: number, onEvent?: (type: string, ack: object) => void }} options
 */
export async function publishRun({ url, key, runId, delayMs = 0, onEvent }) {
  const job = createJobPublisher({
    url,
    ...(key ? { token: key } : {}),
    channel: `run:${runId}`,
    plan: NODES,
    metadata: { run_id: runId, song_title: 'Neon Tide' },
    idPrefix: `${runId}:`,
  });
  const acks = [];
  const track = (type, promise) =>
    promise.then((ack) => {
      acks.push(ack);
      onEvent?.(type, ack);
    });
  const pending = [];
  const call = (type, promise) => pending.push(track(type, promise));

  call('job.create', job.create());
  call('job.start', job.start());
  const attempts = new Map();
  let total = 0;
  for (const node of SCHEDULE) {
    const attempt = (attempts.get(node) ?? 0) + 1;
    attempts.set(node, attempt);
    const step = job.step(node);
    call(`job.step.start ${node}`, step.start());
    if (node === 'LYRICS') {
      const tokens = LYRICS.match(/\S+\s*/g) ?? [];
      for (const [i, token] of tokens.entries()) {
        call('job.output.append', job.output('lyrics').append(token));
        call('job.step.progress', step.progress((i + 1) / tokens.length));
        if (delayMs > 0) await sleep(delayMs / tokens.length);
      }
    } else if (delayMs > 0) await sleep(delayMs);
    const durationMs = 400 + ((node.length * 137 + attempt * 71) % 900);
    total += durationMs;
    const { metrics = {}, scores = {}, issues = [], artifacts = {} } = outcome(node, attempt);
    call(`job.step.end ${node}`, step.end({ durationMs, metadata: { metrics, scores, issues, artifacts } }));
    if (Object.keys(scores).length > 0) call('job.metadata', job.metadata('scores', scores));
    if (node === 'RENDER') {
      const song = { url: `https://cdn.example.invalid/songs/${runId}.mp3`, kind: 'audio', label: 'Rendered song' };
      call('job.artifact', job.artifact('render', song));
    }
  }
  call('job.complete', job.complete({ duration_ms: total }));
  await job.close(); // flushes: every call above is stored (or rejected) before it resolves
  await Promise.all(pending);
  return acks;
}
