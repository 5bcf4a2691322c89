import type { ReactNode } from 'react';
import { formatClock, humanize } from '../lib/format.js';
import type { NodeArtifacts } from '../lib/run-job.js';

type Value = Readonly<Record<string, unknown>>;

const isRecord = (v: unknown): v is Value => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);

/** The latest artifacts of each node (style spec, lyrics, producer notes, prompt, render), newest open. */
export function ArtifactsPanel({ artifacts }: { readonly artifacts: readonly NodeArtifacts[] }): ReactNode {
  const entries = artifacts;
  const newest = entries.at(-1)?.node;
  return (
    <section className="card" aria-labelledby="artifacts-title">
      <header className="card__header">
        <h3 id="artifacts-title">Artifacts</h3>
        <span className="count">{entries.length}</span>
      </header>
      <div className="card__body">
        {entries.length === 0 ? (
          <p className="card__hint">Each node&rsquo;s output appears here as it finishes.</p>
        ) : (
          <div className="artifacts">
            {entries.map((entry) => (
              <details
                key={entry.node}
                className="artifact"
                open={entry.node === newest}
                data-node={entry.node}
              >
                <summary>
                  {entry.node}
                  <span className="artifact__version">
                    {entry.attempt > 1 ? `v${entry.attempt} · ` : ''}
                    {formatClock(entry.endedAt)}
                  </span>
                </summary>
                <div className="artifact__body stack">
                  {Object.entries(entry.value).map(([key, value]) => (
                    <ArtifactValue key={key} name={key} value={value} />
                  ))}
                </div>
              </details>
            ))}
          </div>
        )}
      </div>
    </section>
  );
}

function ArtifactValue({ name, value }: { name: string; value: unknown }): ReactNode {
  if (name === 'lyrics' && isRecord(value) && Array.isArray(value.sections))
    return <Lyrics sections={value.sections} />;
  if (name === 'composed_prompt' && typeof value === 'string') return <pre className="prompt">{value}</pre>;
  if (name === 'render_url' && typeof value === 'string') {
    return (
      <dl className="kv">
        <dt>Render</dt>
        <dd>
          <a href={value} target="_blank" rel="noreferrer">
            {value.split('/').at(-1)}
          </a>
        </dd>
      </dl>
    );
  }
  if (isRecord(value)) {
    return (
      <dl className="kv" aria-label={humanize(name)}>
        {Object.entries(value).map(([k, v]) => (
          <Pair key={k} name={k} value={v} />
        ))}
      </dl>
    );
  }
  return (
    <dl className="kv">
      <Pair name={name} value={value} />
    </dl>
  );
}

function Pair({ name, value }: { name: string; value: unknown }): ReactNode {
  return (
    <>
      <dt>{humanize(name)}</dt>
      <dd>{Array.isArray(value) ? value.map(text).join(', ') : text(value)}</dd>
    </>
  );
}

function Lyrics({ sections }: { sections: readonly unknown[] }): ReactNode {
  return (
    <div className="lyrics">
      {sections.filter(isRecord).map((section, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: section names repeat (Chorus twice) and the list never reorders
        <div key={`${text(section.name)}-${index}`}>
          <h4>{text(section.name)}</h4>
          <p>
            {(Array.isArray(section.lines) ? section.lines : []).map((line, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: lines can repeat and never reorder; position is the identity
              <span key={`${i}-${text(line)}`}>
                {text(line)}
                <br />
              </span>
            ))}
          </p>
        </div>
      ))}
    </div>
  );
}
