import type { JobStepView, JobView, JsonValue } from '@herald/protocol';

/**
 * MeatyMusic's reading of a run's job state: the simulator (and MeatyMusic backends) publish each node's
 * report `{metrics, scores, issues, artifacts}` as its step's metadata. The vocabulary lives here, in the
 * app that shows it, not in @herald/react.
 */

/** One issue a node reported. */
export interface RunIssue {
  readonly node: string;
  readonly code: string;
  readonly message: string;
  readonly severity: string;
}

/** What a node produced, for the artifacts panel. */
export interface NodeArtifacts {
  readonly node: string;
  /** The step's attempt that produced it (2 for FIX's revised lyrics after a second pass). */
  readonly attempt: number;
  readonly endedAt: string;
  readonly value: { readonly [key: string]: JsonValue };
}

type Obj = { readonly [key: string]: JsonValue };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const part = (step: JobStepView | undefined, key: string): Obj => {
  const value = step?.metadata?.[key];
  return isObj(value) ? value : {};
};
const numbers = (o: Obj): { [key: string]: number } =>
  Object.fromEntries(Object.entries(o).filter((e): e is [string, number] => typeof e[1] === 'number'));

/** The step of `node`, if the plan has it. */
export const stepOf = (view: JobView, node: string): JobStepView | undefined =>
  view.steps.find((s) => s.name === node);

/** A node's scores (numbers only) and metrics from its last ended attempt. */
export function nodeReport(view: JobView, node: string): { scores: { [key: string]: number }; metrics: Obj } {
  const step = stepOf(view, node);
  return { scores: numbers(part(step, 'scores')), metrics: part(step, 'metrics') };
}

/**
 * Open issues: those of the latest VALIDATE (a passing second attempt clears the first one's) and of every
 * failed node.
 */
export function openIssues(view: JobView): RunIssue[] {
  const out: RunIssue[] = [];
  for (const step of view.steps) {
    if (step.name !== 'VALIDATE' && step.status !== 'failed') continue;
    const issues = step.metadata?.issues;
    if (!Array.isArray(issues)) continue;
    for (const issue of issues) {
      if (!isObj(issue)) continue;
      out.push({
        node: step.name,
        code: typeof issue.code === 'string' ? issue.code : 'issue',
        message: typeof issue.message === 'string' ? issue.message : '',
        severity: typeof issue.severity === 'string' ? issue.severity : 'warning',
      });
    }
  }
  return out;
}

/** Each node's latest artifacts (non-empty), in the order the nodes ended. */
export function nodeArtifacts(view: JobView): NodeArtifacts[] {
  return view.steps
    .map((step) => ({
      node: step.name,
      attempt: step.attempt,
      endedAt: typeof step.endedAt === 'string' ? step.endedAt : '',
      value: part(step, 'artifacts'),
    }))
    .filter((a) => a.endedAt !== '' && Object.keys(a.value).length > 0)
    .sort((a, b) => a.endedAt.localeCompare(b.endedAt));
}
