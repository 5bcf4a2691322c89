import type { JsonValue } from '@herald/client'
import { type SseMessage, sseSource } from '@herald/client/sources'

const streamUrl = import.meta.env.VITE_SSE_URL ?? 'http://127.0.0.1:8000/realtime/stream'

/** The `data:` of every event the backend streams: which goal it is about, and the event's own fields. */
export interface GoalEventData {
  readonly goal_id: string
  readonly ts?: string
  readonly title?: string
  readonly status?: string
  readonly action_id?: string
  readonly priority?: string
  readonly progress?: number
  readonly text?: string
}

type JsonObject = { readonly [key: string]: JsonValue }

// Array.isArray does not narrow a readonly array away, so the object test is spelled out once here.
const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const field = (m: SseMessage, name: 'goal_id' | 'ts'): string | undefined => {
  const data = m.data
  const value = isObject(data) ? data[name] : undefined
  return typeof value === 'string' ? value : undefined
}

/**
 * The app's one Herald client, over the backend's tenant-wide SSE stream (no hub). Each event's goal is
 * its channel, `goal:<id>`; the SSE `id:` dedupes, and `resumes: true` because server.py replays what came
 * after the Last-Event-ID a reconnect sends, so a reconnect (or a backend restart) loses nothing.
 */
export const herald = sseSource({
  url: streamUrl,
  channel: (m) => {
    const goal = field(m, 'goal_id')
    return goal === undefined ? undefined : `goal:${goal}`
  },
  ts: (m) => field(m, 'ts'),
  resumes: true,
})
