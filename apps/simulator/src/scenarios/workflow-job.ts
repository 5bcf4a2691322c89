import { type JsonValue, jobOps, type StateOp } from '@herald/protocol';

/**
 * The mapping from MeatyMusic's workflow events to the job vocabulary: the simulator publishes each
 * `run.*`/`node.*` event with these state operations, so a progress view reads the run's state document
 * (status, nine planned steps with attempts, streamed lyrics, artifacts, scores) instead of folding events.
 * MeatyMusic's names stay here, in the app that speaks them.
 */

/** The output the LYRICS node streams token by token. */
export const LYRICS_OUTPUT = 'lyrics';

/** What a node reported when it ended, as the job step's metadata. */
export interface NodeReport {
  readonly metrics: { readonly [key: string]: JsonValue };
  readonly scores: { readonly [key: string]: number };
  readonly issues: readonly { readonly code: string; readonly message: string; readonly severity: string }[];
  readonly artifacts: { readonly [key: string]: JsonValue };
}

/** `run.started`: a queued job with the nine-node plan, started at once. */
export function runStartedOps(plan: readonly string[], metadata: { [key: string]: JsonValue }): StateOp[] {
  return [...jobOps.create({ plan, metadata }), ...jobOps.start()];
}

/** `node.start`: the step (re)starts; VALIDATE after FIX becomes attempt 2. */
export function nodeStartOps(node: string): StateOp[] {
  return jobOps.stepStart(node);
}

/** A batch of LYRICS tokens: appended to the output, with the step's progress. */
export function lyricsTokenOps(text: string, progress: number): StateOp[] {
  return [...jobOps.append(LYRICS_OUTPUT, text), ...jobOps.stepProgress('LYRICS', progress)];
}

/**
 * `node.end`: the step completes with its report as metadata; the latest scores are also the run's
 * (`metadata.scores`), a render becomes an audio artifact, and a first VALIDATE that passes skips FIX.
 */
export function nodeEndOps(
  node: string,
  durationMs: number,
  report: NodeReport,
  skipFix: boolean,
): StateOp[] {
  const ops = jobOps.stepEnd(node, {
    status: 'completed',
    durationMs,
    metadata: report as unknown as { [key: string]: JsonValue },
  });
  if (Object.keys(report.scores).length > 0) ops.push(...jobOps.metadata('scores', report.scores));
  const url = report.artifacts.render_url;
  if (typeof url === 'string')
    ops.push(...jobOps.artifact('render', { url, kind: 'audio', label: 'Rendered song' }));
  if (skipFix) ops.push(...jobOps.stepEnd('FIX', { status: 'skipped', message: 'validation passed' }));
  return ops;
}

/** `node.fail`: the step fails with the node's message. */
export function nodeFailOps(
  node: string,
  durationMs: number,
  message: string,
  report: NodeReport,
): StateOp[] {
  return jobOps.stepEnd(node, {
    status: 'failed',
    durationMs,
    message,
    metadata: report as unknown as { [key: string]: JsonValue },
  });
}

/** `run.completed`: the job completes, or fails with the failed node's first issue as its error. */
export function runCompletedOps(
  status: 'completed' | 'failed',
  durationMs: number,
  failure?: { code: string; message: string },
): StateOp[] {
  const timing = jobOps.metadata('duration_ms', durationMs);
  if (status === 'completed') return [...timing, ...jobOps.complete({ duration_ms: durationMs })];
  const error = failure ?? { code: 'RUN_FAILED', message: 'The run failed' };
  return [...timing, ...jobOps.fail({ ...error, recoverable: true })];
}

/**
 * Splits lyrics into the tokens an LLM would stream: words with their following space or line break,
 * so the concatenation is the text itself.
 */
export function lyricTokens(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
