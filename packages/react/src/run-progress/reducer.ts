import type {
  ArtifactEntry,
  NodeProgress,
  NodeStatus,
  RunError,
  RunIssue,
  RunProgressState,
  RunStatus,
} from './types.js';

/** The parts of an envelope the reducer reads; any {@link Envelope} fits. */
export interface RunEventLike {
  readonly seq: number;
  readonly ts: string;
  readonly type: string;
  readonly data: unknown;
}

type Data = Readonly<Record<string, unknown>>;

const NODE_PHASES = new Set(['start', 'end', 'fail']);
const FAILED_JOB_STATUSES = new Set(['failed', 'error', 'cancelled', 'canceled']);
const DONE_JOB_STATUSES = new Set(['completed', 'succeeded', 'done', 'finished']);

const EMPTY_NODE: NodeProgress = {
  status: 'pending',
  attempts: 0,
  durationMs: null,
  startedAt: null,
  metrics: {},
  scores: {},
  issues: [],
};

/**
 * The state before any event. `steps` pre-populates the node list (every node `pending`), so a UI can
 * draw the whole pipeline before the run starts.
 * @param steps - node names in pipeline order. @default []
 */
export function initialRunProgress(steps: readonly string[] = []): RunProgressState {
  return {
    runId: null,
    status: 'idle',
    nodes: [...steps],
    nodeStates: Object.fromEntries(steps.map((node) => [node, EMPTY_NODE])),
    currentNode: null,
    nodesCompleted: [],
    nodesFailed: [],
    nodesInProgress: [],
    durations: {},
    scores: {},
    issues: [],
    artifacts: {},
    percent: 0,
    eta: null,
    step: null,
    clip: null,
    totalClips: null,
    clips: {},
    frames: null,
    jobStatus: null,
    url: null,
    durationMs: null,
    error: null,
    progressStartedAt: null,
    lastSeq: 0,
  };
}

/**
 * Folds one event into the run progress. Pure: returns `state` itself for events it does not know, so
 * `Object.is` bail-outs skip re-renders. Understands the MeatyMusic workflow vocabulary (`run.started`,
 * `node.start`/`node.end`/`node.fail` or any event whose data has `node` and `phase`, `run.completed`) and
 * the video-generation vocabulary (`progress`, `clip_completed`, `status_change`, `encoding_progress`,
 * `completed`, `error`).
 */
export function reduceRunProgress(state: RunProgressState, event: RunEventLike): RunProgressState {
  const data = asRecord(event.data);
  const next = reduceByType(state, event, data);
  if (next === state) return state;
  const runId = str(data.run_id) ?? next.runId;
  return { ...next, runId, lastSeq: event.seq };
}

function reduceByType(state: RunProgressState, event: RunEventLike, data: Data): RunProgressState {
  const at = parseTs(event.ts);
  switch (event.type) {
    case 'run.started':
      return runStarted(state, data);
    case 'run.completed':
      return runCompleted(state, data);
    case 'progress':
      return progress(state, data, at);
    case 'clip_completed':
      return clipCompleted(state, data);
    case 'status_change':
      return statusChange(state, data);
    case 'encoding_progress':
      return encodingProgress(state, data, at);
    case 'completed':
      return {
        ...state,
        status: 'completed',
        percent: 100,
        eta: 0,
        url: str(data.url) ?? state.url,
        durationMs: num(data.duration_ms) ?? state.durationMs,
      };
    case 'error':
      return jobError(state, data);
    default:
      return nodeEvent(state, event, data, at);
  }
}

function runStarted(state: RunProgressState, data: Data): RunProgressState {
  const listed = Array.isArray(data.nodes)
    ? data.nodes.filter((n): n is string => typeof n === 'string')
    : [];
  const nodes = listed.length > 0 ? listed : state.nodes;
  const fresh = initialRunProgress(nodes);
  // The same run announced again keeps what is known; any other run starts from scratch.
  const sameRun = state.runId !== null && state.runId === str(data.run_id);
  const nodeStates = sameRun ? { ...fresh.nodeStates, ...state.nodeStates } : fresh.nodeStates;
  const base = sameRun ? state : fresh;
  return { ...base, nodes, nodeStates, status: 'running', percent: workflowPercent(nodes, nodeStates) };
}

function runCompleted(state: RunProgressState, data: Data): RunProgressState {
  const failed = str(data.status) === 'failed';
  return {
    ...state,
    status: failed ? 'failed' : 'completed',
    percent: failed ? state.percent : 100,
    eta: failed ? state.eta : 0,
    durationMs: num(data.duration_ms) ?? state.durationMs,
  };
}

function nodeEvent(state: RunProgressState, event: RunEventLike, data: Data, at: number | null) {
  const node = str(data.node);
  const phase = nodePhase(event.type, data);
  if (node === null || phase === null) return state;
  const prev = state.nodeStates[node] ?? EMPTY_NODE;
  const nodes = state.nodes.includes(node) ? state.nodes : [...state.nodes, node];
  const without = (list: readonly string[]) => list.filter((n) => n !== node);
  let updated: NodeProgress;
  let nodesInProgress = without(state.nodesInProgress);
  let nodesCompleted = without(state.nodesCompleted);
  let nodesFailed = without(state.nodesFailed);
  if (phase === 'start') {
    updated = { ...prev, status: 'running', attempts: prev.attempts + 1, startedAt: at };
    nodesInProgress = [...nodesInProgress, node];
  } else {
    const durationMs =
      num(data.duration_ms) ?? (at !== null && prev.startedAt !== null ? at - prev.startedAt : null);
    updated = {
      ...prev,
      status: phase === 'end' ? 'done' : 'failed',
      // An end without a start (joined mid-run) still counts as one attempt.
      attempts: Math.max(prev.attempts, 1),
      durationMs,
      metrics: numberRecord(data.metrics) ?? prev.metrics,
      scores: numberRecord(data.scores) ?? prev.scores,
      issues: issuesOf(data.issues, node) ?? (phase === 'fail' ? failureIssue(data, node) : []),
    };
    if (phase === 'end') nodesCompleted = [...nodesCompleted, node];
    else nodesFailed = [...nodesFailed, node];
  }
  const nodeStates = { ...state.nodeStates, [node]: updated };
  const durations =
    updated.durationMs !== null && phase !== 'start'
      ? { ...state.durations, [node]: updated.durationMs }
      : state.durations;
  const scores = phase === 'start' ? state.scores : { ...state.scores, ...numberRecord(data.scores) };
  const artifacts =
    phase === 'end' ? withArtifacts(state.artifacts, node, data.artifacts, event.seq) : state.artifacts;
  return {
    ...state,
    status: isFinished(state.status) && phase !== 'start' ? state.status : 'running',
    nodes,
    nodeStates,
    currentNode: nodesInProgress.at(-1) ?? node,
    nodesCompleted,
    nodesFailed,
    nodesInProgress,
    durations,
    scores,
    issues: nodes.flatMap((n) => nodeStates[n]?.issues ?? []),
    artifacts,
    percent: workflowPercent(nodes, nodeStates),
  };
}

function progress(state: RunProgressState, data: Data, at: number | null): RunProgressState {
  const percent = clampPercent(num(data.percentage)) ?? state.percent;
  const progressStartedAt = state.progressStartedAt ?? at;
  return {
    ...state,
    status: isFinished(state.status) ? state.status : 'running',
    step: str(data.step) ?? state.step,
    clip: num(data.clip) ?? num(data.clip_number) ?? state.clip,
    totalClips: num(data.total_clips) ?? state.totalClips,
    percent,
    progressStartedAt,
    eta: estimateEta(progressStartedAt, at, percent),
  };
}

function clipCompleted(state: RunProgressState, data: Data): RunProgressState {
  const clip = num(data.clip) ?? num(data.clip_number);
  const url = str(data.url) ?? str(data.thumbnail_url);
  return {
    ...state,
    clip: clip ?? state.clip,
    totalClips: num(data.total_clips) ?? state.totalClips,
    clips: clip !== null && url !== null ? { ...state.clips, [clip]: url } : state.clips,
  };
}

function statusChange(state: RunProgressState, data: Data): RunProgressState {
  const jobStatus = str(data.status) ?? str(data.new_status);
  if (jobStatus === null) return state;
  const lower = jobStatus.toLowerCase();
  const status: RunStatus = FAILED_JOB_STATUSES.has(lower)
    ? 'failed'
    : DONE_JOB_STATUSES.has(lower)
      ? 'completed'
      : 'running';
  return { ...state, jobStatus, status, percent: status === 'completed' ? 100 : state.percent };
}

function encodingProgress(state: RunProgressState, data: Data, at: number | null): RunProgressState {
  const percent = clampPercent(num(data.percentage)) ?? state.percent;
  const done = num(data.frames) ?? num(data.frames_processed);
  const total = num(data.total_frames);
  const progressStartedAt = state.progressStartedAt ?? at;
  return {
    ...state,
    status: isFinished(state.status) ? state.status : 'running',
    percent,
    frames: done !== null && total !== null ? { done, total } : state.frames,
    progressStartedAt,
    eta:
      num(data.eta_seconds) ?? num(data.estimated_remaining) ?? estimateEta(progressStartedAt, at, percent),
  };
}

function jobError(state: RunProgressState, data: Data): RunProgressState {
  const error: RunError = {
    code: str(data.code) ?? 'unknown',
    message: str(data.message) ?? 'Unknown error',
    recoverable: data.recoverable === true,
  };
  return { ...state, error, status: error.recoverable ? state.status : 'failed' };
}

function nodePhase(type: string, data: Data): 'start' | 'end' | 'fail' | null {
  const phase = str(data.phase) ?? (type.startsWith('node.') ? type.slice(5) : null);
  return phase !== null && NODE_PHASES.has(phase) ? (phase as 'start' | 'end' | 'fail') : null;
}

function withArtifacts(
  artifacts: RunProgressState['artifacts'],
  node: string,
  value: unknown,
  seq: number,
): RunProgressState['artifacts'] {
  if (!isRecord(value)) return artifacts;
  const entry: ArtifactEntry = { version: (artifacts[node]?.version ?? 0) + 1, value, seq };
  return { ...artifacts, [node]: entry };
}

function workflowPercent(nodes: readonly string[], nodeStates: RunProgressState['nodeStates']): number {
  if (nodes.length === 0) return 0;
  const done = nodes.filter((n) => nodeStates[n]?.status === 'done').length;
  return Math.round((done / nodes.length) * 100);
}

function estimateEta(startedAt: number | null, at: number | null, percent: number): number | null {
  if (percent >= 100) return 0;
  if (startedAt === null || at === null || percent <= 0 || at <= startedAt) return null;
  const elapsedSeconds = (at - startedAt) / 1000;
  return Math.round((elapsedSeconds * (100 - percent)) / percent);
}

function issuesOf(value: unknown, node: string): RunIssue[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter(isRecord).map((issue) => ({
    node,
    code: str(issue.code) ?? 'unknown',
    message: str(issue.message) ?? '',
    severity: str(issue.severity) ?? 'error',
  }));
}

function failureIssue(data: Data, node: string): RunIssue[] {
  const message = str(data.error) ?? str(data.message);
  return message === null
    ? []
    : [{ node, code: str(data.code) ?? 'node_failed', message, severity: 'error' }];
}

function isFinished(status: RunStatus): boolean {
  return status === 'completed' || status === 'failed';
}

function clampPercent(value: number | null): number | null {
  return value === null ? null : Math.min(100, Math.max(0, value));
}

function numberRecord(value: unknown): Record<string, number> | null {
  if (!isRecord(value)) return null;
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
  return out;
}

function parseTs(ts: string): number | null {
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? null : ms;
}

function isRecord(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Data {
  return isRecord(value) ? value : {};
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Status of `node` in `state`, `pending` when the node has not been seen. */
export function nodeStatus(state: RunProgressState, node: string): NodeStatus {
  return state.nodeStates[node]?.status ?? 'pending';
}
