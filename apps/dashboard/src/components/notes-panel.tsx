import { useChannelEvents, useConnectionStatus, useHeraldClient } from '@herald/react';
import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useMemo, useState } from 'react';

/** A note the user posted from this tab, with its delivery state. */
interface LocalNote {
  readonly id: string;
  readonly text: string;
  readonly state: 'queued' | 'delivered' | 'failed';
  readonly seq?: number;
  readonly error?: string;
}

interface NoteData {
  readonly text?: unknown;
  readonly author?: unknown;
}

/**
 * The offline → outbox demo: notes are published with `client.publish` onto `notes:<runId>`. While the
 * connection is down they wait in the client's outbox ("Queued"); when it comes back they are sent once
 * and confirmed with their seq ("Delivered").
 */
export function NotesPanel({ runId }: { readonly runId: string }): ReactNode {
  const client = useHeraldClient();
  const status = useConnectionStatus();
  const channel = `notes:${runId}`;
  const { events } = useChannelEvents<NoteData>(channel, { limit: 100 });
  const [local, setLocal] = useState<readonly LocalNote[]>([]);
  const [draft, setDraft] = useState('');
  const outboxDepth = useOutboxDepth();
  const inputId = useId();

  const update = useCallback((id: string, patch: Partial<LocalNote>) => {
    setLocal((notes) => notes.map((n) => (n.id === id ? { ...n, ...patch } : n)));
  }, []);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const text = draft.trim();
    if (text === '') return;
    const id = `note-${crypto.randomUUID()}`;
    setLocal((notes) => [...notes, { id, text, state: 'queued' }]);
    setDraft('');
    client
      .publish(channel, 'note.added', { run_id: runId, text, author: 'You' }, { id })
      .then((ack) => update(id, { state: 'delivered', seq: ack.seq }))
      .catch((err: unknown) =>
        update(id, { state: 'failed', error: err instanceof Error ? err.message : String(err) }),
      );
  };

  // Delivered notes come from the channel (everyone's); this tab's undelivered ones are shown after them.
  const rows = useMemo(() => {
    const mine = new Map(local.map((n) => [n.id, n]));
    const delivered = events.map((e) => ({
      id: e.id,
      text: typeof e.data.text === 'string' ? e.data.text : '',
      state: 'delivered' as const,
      seq: e.seq,
      author: typeof e.data.author === 'string' ? e.data.author : 'Someone',
    }));
    const seen = new Set(delivered.map((d) => d.id));
    const pending = [...mine.values()].filter((n) => !seen.has(n.id)).map((n) => ({ ...n, author: 'You' }));
    return [...delivered, ...pending];
  }, [events, local]);

  const offline = status.state !== 'connected';
  return (
    <section className="card" aria-labelledby={`${inputId}-title`}>
      <header className="card__header">
        <h3 id={`${inputId}-title`}>Notes</h3>
        <span className="card__hint">Try it offline: notes queue, then send once.</span>
      </header>
      <div className="card__body">
        <form className="notes-form" onSubmit={submit}>
          <label htmlFor={inputId} className="visually-hidden">
            Add a note
          </label>
          <input
            id={inputId}
            className="input"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="Add a note for this run"
            maxLength={280}
            autoComplete="off"
          />
          <button type="submit" className="button button--primary" disabled={draft.trim() === ''}>
            Post note
          </button>
        </form>
        {rows.length === 0 ? null : (
          <ul className="notes" aria-label="Notes" aria-live="polite">
            {rows.map((note) => (
              <li key={note.id} className="note" data-note-id={note.id} data-note-state={note.state}>
                <span className="note__text">
                  <strong>{note.author}:</strong> {note.text}
                </span>
                <span className={`note__state note__state--${note.state}`}>
                  {note.state === 'queued'
                    ? offline
                      ? 'Queued · offline'
                      : 'Sending…'
                    : note.state === 'failed'
                      ? `Failed${'error' in note && note.error ? ` · ${note.error}` : ''}`
                      : `Delivered · seq ${note.seq}`}
                </span>
              </li>
            ))}
          </ul>
        )}
        <p className="outbox-line" data-outbox-depth={outboxDepth}>
          Outbox: {outboxDepth === 0 ? 'empty' : `${outboxDepth} waiting`} · connection {status.state}
        </p>
      </div>
    </section>
  );
}

/** The client's outbox depth, updated on every outbox change. */
function useOutboxDepth(): number {
  const client = useHeraldClient();
  const [depth, setDepth] = useState(() => client.stats().outboxDepth);
  useEffect(() => {
    const refresh = (): void => setDepth(client.stats().outboxDepth);
    const offOutbox = client.on('outbox', refresh);
    const offStatus = client.on('status', refresh);
    refresh();
    return () => {
      offOutbox();
      offStatus();
    };
  }, [client]);
  return depth;
}
