/** The nine nodes of the MeatyMusic song workflow, in pipeline order. */
export const MEATYMUSIC_NODES = [
  'PLAN',
  'STYLE',
  'LYRICS',
  'PRODUCER',
  'COMPOSE',
  'VALIDATE',
  'FIX',
  'RENDER',
  'REVIEW',
] as const;

/** Lifecycle of one node (or step) of a run. */
export type NodeStatus = 'pending' | 'running' | 'done' | 'failed';

/** Overall lifecycle of a run or job. */
export type RunStatus = 'idle' | 'running' | 'completed' | 'failed';

/** A validation issue reported by a node. */
export interface RunIssue {
  /** Node that reported the issue, when known. */
  readonly node: string | null;
  /** Machine-readable issue code. */
  readonly code: string;
  /** Human-readable description. */
  readonly message: string;
  /** Severity as reported by the backend, such as `error` or `warning`. */
  readonly severity: string;
}

/** The latest artifacts a node produced; `version` counts how many times the node reported artifacts. */
export interface ArtifactEntry {
  /** 1 for the first report, incremented on every later report (for example each FIX loop). */
  readonly version: number;
  /** The artifacts object from the latest `node.end` event. */
  readonly value: Readonly<Record<string, unknown>>;
  /** Seq of the event that carried them. */
  readonly seq: number;
}

/** Everything known about one node. */
export interface NodeProgress {
  /** Current status of the node. */
  readonly status: NodeStatus;
  /** How many times the node started; above 1 when it ran again (the FIX loop). */
  readonly attempts: number;
  /** Duration of the latest completed or failed attempt in ms, when known. */
  readonly durationMs: number | null;
  /** Event timestamp (epoch ms) of the latest start, used to derive a duration when none is reported. */
  readonly startedAt: number | null;
  /** Metrics of the latest attempt. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Scores of the latest attempt. */
  readonly scores: Readonly<Record<string, number>>;
  /** Issues of the latest attempt. */
  readonly issues: readonly RunIssue[];
}

/** A job error (`error` event) from a video-generation style stream. */
export interface RunError {
  /** Error code from the backend. */
  readonly code: string;
  /** Human-readable message. */
  readonly message: string;
  /** Whether the backend expects to recover by itself. */
  readonly recoverable: boolean;
}

/** Progress of a run, reduced from its events by {@link reduceRunProgress}. */
export interface RunProgressState {
  /** Run id from the latest run or node event, when present. */
  readonly runId: string | null;
  /** Overall status. */
  readonly status: RunStatus;
  /** Node order: from `run.started`, else the configured steps, extended by nodes seen in events. */
  readonly nodes: readonly string[];
  /** Per-node detail keyed by node name. */
  readonly nodeStates: Readonly<Record<string, NodeProgress>>;
  /** The most recently started node that has not finished, else the last node that changed. */
  readonly currentNode: string | null;
  /** Nodes whose latest attempt ended successfully, in completion order. */
  readonly nodesCompleted: readonly string[];
  /** Nodes whose latest attempt failed. */
  readonly nodesFailed: readonly string[];
  /** Nodes currently running. */
  readonly nodesInProgress: readonly string[];
  /** Duration in ms of each node's latest finished attempt. */
  readonly durations: Readonly<Record<string, number>>;
  /** All scores reported so far; a later report of the same score replaces the earlier one. */
  readonly scores: Readonly<Record<string, number>>;
  /** Current issues: the issues of each node's latest attempt, in node order. */
  readonly issues: readonly RunIssue[];
  /** Latest artifacts per node. */
  readonly artifacts: Readonly<Record<string, ArtifactEntry>>;
  /** Overall completion, 0–100. */
  readonly percent: number;
  /** Estimated seconds remaining (progress and encoding events), or null when unknown. */
  readonly eta: number | null;
  /** Current step name of a generation job (`progress.step`). */
  readonly step: string | null;
  /** Current clip number of a generation job. */
  readonly clip: number | null;
  /** Total clips of a generation job. */
  readonly totalClips: number | null;
  /** URLs of completed clips keyed by clip number. */
  readonly clips: Readonly<Record<number, string>>;
  /** Frames encoded so far and the total, from `encoding_progress`. */
  readonly frames: { readonly done: number; readonly total: number } | null;
  /** Status reported by the latest `status_change`. */
  readonly jobStatus: string | null;
  /** Output URL from `completed`. */
  readonly url: string | null;
  /** Total run duration in ms from `run.completed` / `completed`. */
  readonly durationMs: number | null;
  /** Latest `error` event. */
  readonly error: RunError | null;
  /** Event timestamp (epoch ms) of the first progress event, for the ETA estimate. */
  readonly progressStartedAt: number | null;
  /** Seq of the last event folded in. */
  readonly lastSeq: number;
}
