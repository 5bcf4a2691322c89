import { plainWebSocketSource } from '@herald/client/sources'

const eventsUrl = import.meta.env.VITE_EVENTS_URL ?? 'ws://127.0.0.1:8001/events'

/** A message of the backend's /events socket, as seed 000's FastAPI EventPublisher sends it. */
export interface RunEvent {
  readonly ts: string
  readonly run_id: string
  readonly node: string
  readonly phase: 'start' | 'end' | 'fail'
  /** The run's own count of its events, 1, 2, 3... */
  readonly n: number
  readonly duration_ms?: number
}

const PREFIX = 'run:'

/**
 * The app's one Herald client, over the backend's plain JSON WebSocket (no hub). A run is the channel
 * `run:<id>`; `n` is each message's order, so repeats are dropped. The subscribe message carries the last
 * `n` the page has, and the backend replays what came after it: so `resumes: true`, and a reconnect (or a
 * backend restart) loses nothing.
 */
export const herald = plainWebSocketSource<RunEvent>({
  url: eventsUrl,
  channel: (m) => (typeof m.run_id === 'string' ? `${PREFIX}${m.run_id}` : undefined),
  id: (m) => `${m.run_id}:${m.n}`,
  order: (m) => m.n,
  type: (m) => `${m.node}.${m.phase}`,
  subscribeMessage: (channel, resume) => ({
    action: 'subscribe',
    run_id: channel.slice(PREFIX.length),
    after: resume?.lastOrder ?? 0,
  }),
  unsubscribeMessage: (channel) => ({ action: 'unsubscribe', run_id: channel.slice(PREFIX.length) }),
  resumes: true,
})
