import { useEffect, useMemo, useState } from 'react'
import type { Envelope } from '@herald/client'
import { ConnectionStatus, useChannelEvents } from '@herald/react'
import { apiUrl, type GenerationEventData } from './herald.ts'

/** A generation as GET /api/v1/generations/:id returns it, and as its events update it. */
interface Generation {
  readonly status: string
  readonly percentage: number
  readonly clips: readonly string[]
  readonly video_url: string | null
  readonly message?: string
}

const QUEUED: Generation = { status: 'queued', percentage: 0, clips: [], video_url: null }

function apply(g: Generation, { type, data }: Envelope<GenerationEventData>): Generation {
  switch (type) {
    case 'progress':
      return { ...g, percentage: data.percentage ?? g.percentage, message: data.message }
    case 'status_change':
      return { ...g, status: data.new_status ?? g.status }
    case 'clip_completed':
      return data.clip_id && !g.clips.includes(data.clip_id) ? { ...g, clips: [...g.clips, data.clip_id] } : g
    case 'completed':
      return { ...g, status: 'completed', percentage: 100, video_url: data.video_url ?? null, message: 'Done' }
    default:
      return g
  }
}

/** The server's state of a generation (GET /api/v1/generations/:id, seed 003's polling endpoint). */
async function fetchGeneration(id: string, signal: AbortSignal): Promise<Generation> {
  const res = await fetch(`${apiUrl}/api/v1/generations/${id}`, { signal, cache: 'no-store' })
  if (!res.ok) throw new Error(`GET generation ${id}: HTTP ${res.status}`)
  return (await res.json()) as Generation
}

/**
 * REST first, then live events on top. After a gap (a reconnect socket.io could not recover, such as a
 * server restart) the events missed are not coming: refetch, and apply only the events after the gap.
 */
function useGeneration(id: string) {
  const { events, status, gap } = useChannelEvents<GenerationEventData>(`generation:${id}`)
  const [base, setBase] = useState({ generation: QUEUED, afterSeq: 0, refetched: false })
  useEffect(() => {
    const abort = new AbortController()
    const afterSeq = gap?.lastSeq ?? 0
    fetchGeneration(id, abort.signal).then(
      (generation) => setBase({ generation, afterSeq, refetched: gap !== null }),
      () => {}, // the server is down: the events (or the next gap) will tell
    )
    return () => abort.abort()
  }, [id, gap])
  const generation = useMemo(
    () => events.filter((e) => e.seq > base.afterSeq).reduce(apply, base.generation),
    [events, base],
  )
  return { generation, events, status, gap, refetched: base.refetched }
}

function GenerationCard({ id }: { id: string }) {
  const { generation: g, events, status, gap, refetched } = useGeneration(id)
  return (
    <article className="card" data-generation={id} data-status={g.status} data-channel-status={status}>
      <h2>{id}</h2>
      <p>
        <strong>{g.status}</strong> · {g.message ?? 'waiting'} · {g.clips.length} clips
      </p>
      <progress max={100} value={g.percentage} aria-label={`${id} progress`} />
      {g.video_url && (
        <a data-testid="video-url" href={g.video_url}>
          {g.video_url}
        </a>
      )}
      {gap && (
        <p role="status" className="gap" data-testid="gap" data-refetched={refetched}>
          Reconnected without the events missed after #{gap.last?.seq ?? 0}:{' '}
          {refetched ? `refetched, ${g.status}` : 'refetching…'}
        </p>
      )}
      <ol className="feed" data-testid="feed" data-count={events.length}>
        {events.map((e) => (
          <li key={e.seq} data-seq={e.seq} data-type={e.type}>
            <code>#{e.seq}</code> <strong>{e.type}</strong> {e.data.message ?? e.data.clip_id ?? e.data.new_status ?? ''}
          </li>
        ))}
      </ol>
    </article>
  )
}

/** Several generations at once over one socket.io connection, one room each. */
export function GenerationsPage({ ids }: { ids: readonly string[] }) {
  return (
    <main className="page">
      <header className="page__header">
        <h1>Video generations</h1>
        <ConnectionStatus />
      </header>
      <div className="cards">
        {ids.map((id) => (
          <GenerationCard key={id} id={id} />
        ))}
      </div>
    </main>
  )
}
