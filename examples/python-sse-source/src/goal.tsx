import { useMemo } from 'react'
import type { Envelope } from '@herald/client'
import { ConnectionStatus, useChannelEvents } from '@herald/react'
import type { GoalEventData } from './herald.ts'

interface Action {
  readonly id: string
  readonly title: string
  readonly progress: number
  readonly status: string
}

interface Goal {
  readonly title: string
  readonly status: string
  readonly actions: readonly Action[]
}

/** The goal as its events so far describe it (a fold the page redoes on every new event). */
function summarize(events: readonly Envelope<GoalEventData>[]): Goal {
  let goal = { title: '', status: 'waiting' }
  const actions = new Map<string, Action>()
  for (const { type, data } of events) {
    if (type.startsWith('goal.') && data.status) goal = { title: data.title ?? goal.title, status: data.status }
    const id = data.action_id
    if (!id) continue
    const before = actions.get(id) ?? { id, title: id, progress: 0, status: 'open' }
    actions.set(id, {
      id,
      title: data.title ?? before.title,
      progress: data.progress ?? (type === 'action.completed' ? 100 : before.progress),
      status: data.status ?? before.status,
    })
  }
  return { ...goal, actions: [...actions.values()] }
}

function describe(e: Envelope<GoalEventData>): string {
  const d = e.data
  if (e.type === 'action.progress_updated') return `${d.action_id} at ${d.progress}%`
  return [d.action_id, d.title, d.text, d.status].filter(Boolean).join(' · ')
}

/** One goal's live activity: its actions' progress and the raw event feed, from the SSE stream. */
export function GoalPage({ goalId }: { goalId: string }) {
  const { events, status, gap } = useChannelEvents<GoalEventData>(`goal:${goalId}`)
  const goal = useMemo(() => summarize(events), [events])
  const done = goal.actions.filter((a) => a.status === 'completed').length
  return (
    <main className="page">
      <header className="page__header">
        <h1>{goal.title || `Goal ${goalId}`}</h1>
        <ConnectionStatus />
      </header>
      <section className="goal" data-testid="goal" data-status={goal.status}>
        <p>
          Status: <strong>{goal.status}</strong>, {done} of {goal.actions.length} actions completed
        </p>
        <ul className="actions">
          {goal.actions.map((a) => (
            <li key={a.id} data-action={a.id} data-progress={a.progress}>
              <span>{a.title}</span>
              <progress max={100} value={a.progress} aria-label={`${a.title} progress`} />
              <span>{a.progress}%</span>
            </li>
          ))}
        </ul>
      </section>
      {gap && (
        <p role="alert" className="gap" data-testid="gap">
          Some events were missed while disconnected (after #{gap.last?.seq ?? 0}): reload to refetch the goal.
        </p>
      )}
      <h2>Activity</h2>
      <ol className="feed" data-testid="feed" data-status={status} data-count={events.length}>
        {events.map((e) => (
          <li key={e.seq} data-seq={e.seq} data-type={e.type}>
            <code>#{e.seq}</code> <strong>{e.type}</strong> {describe(e)}
          </li>
        ))}
      </ol>
    </main>
  )
}
