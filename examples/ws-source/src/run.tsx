import { useMemo } from 'react'
import type { Envelope } from '@herald/client'
import { ConnectionStatus, useChannelEvents } from '@herald/react'
import type { RunEvent } from './herald.ts'

/** Each node's latest phase, in the order the run reached them. */
function nodesOf(events: readonly Envelope<RunEvent>[]): ReadonlyMap<string, RunEvent> {
  const nodes = new Map<string, RunEvent>()
  for (const { data } of events) nodes.set(data.node, data)
  return nodes
}

/** One workflow run, live: its nodes' status and the raw event feed, from the backend's /events socket. */
export function RunPage({ runId }: { runId: string }) {
  const { events, status, gap } = useChannelEvents<RunEvent>(`run:${runId}`)
  const nodes = useMemo(() => nodesOf(events), [events])
  return (
    <main className="page">
      <header className="page__header">
        <h1>Run {runId}</h1>
        <ConnectionStatus />
      </header>
      <ol className="nodes" data-testid="nodes">
        {[...nodes.values()].map((n) => (
          <li key={n.node} data-node={n.node} data-phase={n.phase}>
            <strong>{n.node}</strong> {n.phase === 'end' ? `done in ${n.duration_ms} ms` : n.phase}
          </li>
        ))}
      </ol>
      {gap && (
        <p role="alert" className="gap" data-testid="gap">
          Some events were missed while disconnected (after #{gap.last?.seq ?? 0}): reload to refetch the run.
        </p>
      )}
      <h2>Events</h2>
      <ol className="feed" data-testid="feed" data-status={status} data-count={events.length}>
        {events.map((e) => (
          <li key={e.seq} data-seq={e.seq} data-type={e.type}>
            <code>#{e.seq}</code> <strong>{e.type}</strong> n={e.data.n}
          </li>
        ))}
      </ol>
    </main>
  )
}
