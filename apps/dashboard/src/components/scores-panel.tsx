import type { JobView } from '@herald/protocol';
import type { ReactNode } from 'react';
import { humanize } from '../lib/format.js';
import { nodeReport, openIssues, stepOf } from '../lib/run-job.js';

const DEFAULT_THRESHOLD = 0.8;
/** Scores where lower is better: drawn as-is but never coloured as "low". */
const LOWER_IS_BETTER = new Set(['profanity_score']);

/** VALIDATE's scores against the threshold, the FIX loop verdict, review scores and current issues. */
export function ScoresPanel({ job }: { readonly job: JobView }): ReactNode {
  const validate = nodeReport(job, 'VALIDATE');
  const threshold =
    typeof validate.metrics.threshold === 'number' ? validate.metrics.threshold : DEFAULT_THRESHOLD;
  const scores = Object.entries(validate.scores);
  const total = validate.scores.total;
  const passes = stepOf(job, 'VALIDATE')?.attempt ?? 0;
  const reviewScores = Object.entries(nodeReport(job, 'REVIEW').scores);

  return (
    <section className="card" aria-labelledby="scores-title">
      <header className="card__header">
        <h3 id="scores-title">Scores</h3>
        {passes > 0 ? (
          <span className="card__hint">
            {passes > 1 ? `Validation pass ${passes} · after FIX` : 'Validation pass 1'}
            {total !== undefined ? ` · ${total >= threshold ? 'passed' : 'below threshold'}` : ''}
          </span>
        ) : null}
      </header>
      <div className="card__body stack">
        {scores.length === 0 ? (
          <p className="card__hint">Scores appear when VALIDATE finishes.</p>
        ) : (
          <div className="scores">
            {scores.map(([name, value]) => (
              <ScoreRow
                key={name}
                name={name}
                value={value}
                threshold={LOWER_IS_BETTER.has(name) ? null : threshold}
              />
            ))}
          </div>
        )}
        {reviewScores.length > 0 ? (
          <div className="scores">
            {reviewScores.map(([name, value]) => (
              <ScoreRow key={name} name={`review ${name}`} value={value} threshold={null} />
            ))}
          </div>
        ) : null}
        <Issues job={job} />
      </div>
    </section>
  );
}

function ScoreRow({
  name,
  value,
  threshold,
}: {
  name: string;
  value: number;
  threshold: number | null;
}): ReactNode {
  const tone =
    threshold === null ? '' : value >= threshold ? 'good' : value >= threshold - 0.1 ? 'low' : 'bad';
  return (
    <div className={`score${name === 'total' ? ' score--total' : ''}`}>
      <span className="score__label">{humanize(name)}</span>
      <div className="meter" aria-hidden="true">
        <span
          className={`meter__fill${tone ? ` meter__fill--${tone}` : ''}`}
          style={{ width: `${Math.min(100, value * 100)}%` }}
        />
        {threshold === null ? null : (
          <span className="meter__threshold" style={{ left: `${threshold * 100}%` }} />
        )}
      </div>
      <span className="score__value">{value.toFixed(2)}</span>
    </div>
  );
}

function Issues({ job }: { job: JobView }): ReactNode {
  const issues = openIssues(job);
  if (issues.length === 0) {
    const fixed = stepOf(job, 'FIX')?.status === 'completed';
    return (
      <p className="card__hint">
        {fixed ? 'No open issues: FIX resolved what VALIDATE found.' : 'No open issues.'}
      </p>
    );
  }
  return (
    <ul className="issues" aria-label="Open issues">
      {issues.map((issue, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: issues carry no id; node + code + position identifies one
        <li key={`${issue.node}-${issue.code}-${index}`} className={`issue issue--${issue.severity}`}>
          <span className="issue__severity">{issue.severity}</span>
          <span>
            {issue.node ? <strong>{issue.node}: </strong> : null}
            {issue.message}
          </span>
          <span className="issue__code">{issue.code}</span>
        </li>
      ))}
    </ul>
  );
}
