import type { JobStepView } from '@herald/protocol';
import { useJobOutput } from '@herald/react';
import type { ReactNode } from 'react';

/** The output the LYRICS node streams into (the simulator's `LYRICS_OUTPUT`). */
const LYRICS_OUTPUT = 'lyrics';

/**
 * The lyrics as the LYRICS node writes them, token by token (`outputs/lyrics` of the run's job state):
 * a page opened mid-run shows everything written so far at once, then the rest as it streams.
 */
export function LyricsPanel({
  channel,
  step,
}: {
  readonly channel: string;
  readonly step: JobStepView | undefined;
}): ReactNode {
  const text = useJobOutput(channel, LYRICS_OUTPUT);
  const writing = step?.status === 'running';
  return (
    <section className="card" aria-labelledby="lyrics-title">
      <header className="card__header">
        <h3 id="lyrics-title">Lyrics</h3>
        <span className="card__hint">{writing ? 'Writing…' : text ? `${text.length} characters` : ''}</span>
      </header>
      <div className="card__body">
        {text === '' ? (
          <p className="card__hint">The lyrics stream in here while LYRICS runs.</p>
        ) : (
          <pre
            className={`lyrics-stream${writing ? ' lyrics-stream--writing' : ''}`}
            data-testid="lyrics"
            data-length={text.length}
            aria-live="off"
          >
            {text}
          </pre>
        )}
      </div>
    </section>
  );
}
