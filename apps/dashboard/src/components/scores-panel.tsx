import type { RunProgressState } from '@herald/react';
import type { ReactNode } from 'react';
import { humanize } from '../lib/format.js';

const DEFAULT_THRESHOLD = 0.8;
/** Scores where lower is better: drawn as-is but never coloured as "low". */
const LOWER_IS_BETTER = new Set(['profanity_score']);

/** VALIDATE's scores against the threshold, the FIX loop verdict, review scores and current issues. */
export function ScoresPanel({ progress }: { readonly progress: RunProgressState }): ReactNode {
  const validate = progress.nodeStates.VALIDATE;
  const review = progress.nodeStates.REVIEW;
  const threshold = validate?.metrics.threshold ?? DEFAULT_THRESHOLD;
  const scores = Object.entries(validate?.scores ?? {});
  const total = validate?.scores.total;
  const passes = validate?.attempts ?? 0;
  const reviewScores = Object.entries(review?.scores ?? {});

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
        <Issues progress={progress} />
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

function Issues({ progress }: { progress: RunProgressState }): ReactNode {
  if (progress.issues.length === 0) {
    const fixed = (progress.nodeStates.FIX?.attempts ?? 0) > 0;
    return (
      <p className="card__hint">
        {fixed ? 'No open issues: FIX resolved what VALIDATE found.' : 'No open issues.'}
      </p>
    );
  }
  return (
    <ul className="issues" aria-label="Open issues">
      {progress.issues.map((issue, index) => (
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
