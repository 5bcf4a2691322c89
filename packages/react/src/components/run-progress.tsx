import type { ReactNode } from 'react';
import { useRunProgress } from '../hooks/use-run-progress.js';
import { nodeStatus } from '../run-progress/reducer.js';
import {
  MEATYMUSIC_NODES,
  type NodeStatus,
  type RunProgressState,
  type RunStatus,
} from '../run-progress/types.js';
import { cx } from './cx.js';
import { formatDuration } from './event-format.js';

/** Props of {@link RunProgressView}. */
export interface RunProgressViewProps {
  /** The progress to draw, from {@link useRunProgress}. */
  readonly progress: RunProgressState;
  /** Heading text. @default 'Run progress' */
  readonly title?: string;
  /** Extra class names for the root element. */
  readonly className?: string;
}

/** Props of {@link RunProgress}. */
export interface RunProgressProps extends Omit<RunProgressViewProps, 'progress'> {
  /** The run's channel, such as `run:123`. */
  readonly channel: string;
  /**
   * The pipeline to draw before the run announces its nodes.
   * @default MEATYMUSIC_NODES (PLAN … REVIEW)
   */
  readonly steps?: readonly string[];
}

const NODE_ICONS: Readonly<Record<NodeStatus, string>> = {
  pending: '○',
  running: '◐',
  done: '✔',
  failed: '✖',
};
const NODE_LABELS: Readonly<Record<NodeStatus, string>> = {
  pending: 'Pending',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
};
const RUN_LABELS: Readonly<Record<RunStatus, string>> = {
  idle: 'Waiting to start',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
};

/** Live progress of a run on `channel`: one row per pipeline node, overall percent, scores and issues. */
export function RunProgress({ channel, steps = MEATYMUSIC_NODES, ...view }: RunProgressProps): ReactNode {
  const progress = useRunProgress(channel, { steps });
  return <RunProgressView {...view} progress={progress} />;
}

/**
 * Draws a {@link RunProgressState}: status per node (icon and text, never colour alone), durations, how
 * many times a node ran (the FIX loop), an accessible progress bar, ETA, scores and current issues.
 */
export function RunProgressView({
  progress,
  title = 'Run progress',
  className,
}: RunProgressViewProps): ReactNode {
  const percent = Math.round(progress.percent);
  const scores = Object.entries(progress.scores);
  return (
    <section
      className={cx('herald-run', `herald-run--${progress.status}`, className)}
      data-status={progress.status}
      aria-label={title}
    >
      <header className="herald-run__header">
        <h3 className="herald-run__title">{title}</h3>
        <span className="herald-run__status">{RUN_LABELS[progress.status]}</span>
        {progress.eta !== null && progress.status === 'running' ? (
          <span className="herald-run__eta">About {formatDuration(progress.eta * 1000)} left</span>
        ) : null}
      </header>
      <div
        className="herald-run__bar"
        role="progressbar"
        aria-label={`${title}: overall`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}% ${RUN_LABELS[progress.status].toLowerCase()}`}
      >
        <span className="herald-run__bar-fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="herald-run__percent" aria-hidden="true">
        {percent}%
      </span>
      {progress.nodes.length > 0 ? (
        <ol className="herald-run__nodes">
          {progress.nodes.map((node) => {
            const status = nodeStatus(progress, node);
            const detail = progress.nodeStates[node];
            const duration = progress.durations[node];
            const attempts = detail?.attempts ?? 0;
            return (
              <li
                key={node}
                className={cx('herald-run__node', `herald-run__node--${status}`)}
                data-node={node}
                data-status={status}
                aria-current={progress.currentNode === node && status === 'running' ? 'step' : undefined}
              >
                <span className="herald-run__node-icon" aria-hidden="true">
                  {NODE_ICONS[status]}
                </span>
                <span className="herald-run__node-name">{node}</span>
                <span className="herald-run__node-status">{NODE_LABELS[status]}</span>
                {attempts > 1 ? (
                  <span className="herald-run__node-loop" title="This node ran again (FIX loop)">
                    <span aria-hidden="true">↻</span> run {attempts}
                  </span>
                ) : null}
                {duration === undefined ? null : (
                  <span className="herald-run__node-duration">{formatDuration(duration)}</span>
                )}
              </li>
            );
          })}
        </ol>
      ) : null}
      {progress.step !== null ? (
        <p className="herald-run__step">
          {progress.step}
          {progress.clip !== null && progress.totalClips !== null
            ? ` — clip ${progress.clip} of ${progress.totalClips}`
            : ''}
        </p>
      ) : null}
      {scores.length > 0 ? (
        <dl className="herald-run__scores">
          {scores.map(([name, value]) => (
            <div key={name} className="herald-run__score">
              <dt>{name}</dt>
              <dd>{Number.isInteger(value) ? value : value.toFixed(2)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {progress.issues.length > 0 ? (
        <ul className="herald-run__issues" aria-label="Issues">
          {progress.issues.map((issue) => (
            <li
              key={`${issue.node}\u0000${issue.code}\u0000${issue.message}`}
              className={cx('herald-run__issue', `herald-run__issue--${issue.severity}`)}
            >
              <span aria-hidden="true">⚠</span> <strong>{issue.severity}</strong>{' '}
              {issue.node ? `${issue.node}: ` : ''}
              {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
      {progress.error !== null ? (
        <p className="herald-run__error" role="alert">
          <span aria-hidden="true">✖</span> {progress.error.message} ({progress.error.code})
        </p>
      ) : null}
    </section>
  );
}
