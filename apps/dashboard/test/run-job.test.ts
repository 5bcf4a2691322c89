import { applyStateOps, type JsonValue, jobOps, jobView, type StateOp } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { nodeArtifacts, nodeReport, openIssues, stepOf } from '../src/lib/run-job.js';

const PLAN = ['PLAN', 'LYRICS', 'VALIDATE', 'FIX', 'RENDER'];
let clock = 0;
const at = () => new Date(Date.UTC(2026, 0, 1, 0, 0, ++clock)).toISOString();

function fold(...lists: StateOp[][]): JsonValue {
  let doc: JsonValue = {};
  for (const ops of lists) {
    const next = applyStateOps(doc, ops);
    if (!next.ok) throw new Error(next.error.message);
    doc = next.state;
  }
  return doc;
}

const end = (
  node: string,
  report: { [key: string]: JsonValue },
  status: 'completed' | 'failed' = 'completed',
) => jobOps.stepEnd(node, { status, metadata: report }, at());

describe('MeatyMusic reading of a run job', () => {
  const failing = {
    metrics: { threshold: 0.8 },
    scores: { hook: 0.6, total: 0.7 },
    issues: [{ code: 'weak_hook', message: 'Chorus hook is weak', severity: 'warning' }],
    artifacts: {},
  };
  const passing = {
    metrics: { threshold: 0.8 },
    scores: { hook: 0.9, total: 0.88 },
    issues: [],
    artifacts: {},
  };

  it('reads the latest VALIDATE: its scores and attempt, with the first pass issues cleared after FIX', () => {
    const first = fold(
      jobOps.create({ plan: PLAN, at: at() }),
      jobOps.stepStart('PLAN', at()),
      end('PLAN', { artifacts: { plan: { sections: 4 } } }),
      jobOps.stepStart('VALIDATE', at()),
      end('VALIDATE', failing),
    );
    expect(openIssues(jobView(first))).toEqual([
      { node: 'VALIDATE', code: 'weak_hook', message: 'Chorus hook is weak', severity: 'warning' },
    ]);
    const fixed = fold(
      jobOps.create({ plan: PLAN, at: at() }),
      jobOps.stepStart('VALIDATE', at()),
      end('VALIDATE', failing),
      jobOps.stepStart('FIX', at()),
      end('FIX', { artifacts: { patched_sections: ['Chorus'] } }),
      jobOps.stepStart('VALIDATE', at()),
      end('VALIDATE', passing),
    );
    const view = jobView(fixed);
    expect(stepOf(view, 'VALIDATE')?.attempt).toBe(2);
    expect(nodeReport(view, 'VALIDATE')).toEqual({
      scores: { hook: 0.9, total: 0.88 },
      metrics: { threshold: 0.8 },
    });
    expect(openIssues(view)).toEqual([]);
  });

  it('lists issues of failed nodes and artifacts in the order nodes ended', () => {
    const doc = fold(
      jobOps.create({ plan: PLAN, at: at() }),
      jobOps.stepStart('PLAN', at()),
      end('PLAN', { artifacts: { plan: { sections: 4 } } }),
      jobOps.stepStart('LYRICS', at()),
      end('LYRICS', { artifacts: { lyrics: { lines: 8 } } }),
      jobOps.stepStart('RENDER', at()),
      end(
        'RENDER',
        { issues: [{ code: 'RENDER_TIMEOUT', message: 'timed out', severity: 'error' }], artifacts: {} },
        'failed',
      ),
    );
    const view = jobView(doc);
    expect(openIssues(view).map((i) => `${i.node}:${i.code}`)).toEqual(['RENDER:RENDER_TIMEOUT']);
    expect(nodeArtifacts(view).map((a) => a.node)).toEqual(['PLAN', 'LYRICS']);
    expect(nodeArtifacts(view)[1]?.value).toEqual({ lyrics: { lines: 8 } });
  });
});
