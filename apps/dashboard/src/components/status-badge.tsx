import type { ReactNode } from 'react';

const LABELS: Readonly<Record<string, string>> = {
  idle: 'Waiting',
  queued: 'Queued',
  pending: 'Pending',
  running: 'Running',
  processing: 'Processing',
  encoding: 'Encoding',
  completed: 'Completed',
  failed: 'Failed',
};

/** A coloured pill for a run or job status; the text always states the status (never colour alone). */
export function StatusBadge({ status }: { readonly status: string }): ReactNode {
  return (
    <span className={`badge badge--${status}`} data-status={status}>
      {LABELS[status] ?? status}
    </span>
  );
}
