import { io } from 'socket.io-client'
import type { JsonValue } from '@herald/client'
import { type SocketIoMessage, socketIoSource } from '@herald/client/sources'

/** The backend: its socket.io server and its REST API on one origin. */
export const apiUrl = import.meta.env.VITE_API_URL ?? 'http://127.0.0.1:3001'

/** Every event the server emits carries these, beside its own fields (seed 003's event data). */
export interface GenerationEventData {
  readonly generation_id: string
  readonly event_id: string
  readonly step?: string
  readonly clip_number?: number
  readonly total_clips?: number
  readonly percentage?: number
  readonly message?: string
  readonly clip_id?: string
  readonly new_status?: string
  readonly video_url?: string
}

type JsonObject = { readonly [key: string]: JsonValue }

// Array.isArray does not narrow a readonly array away, so the object test is spelled out once here.
const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const field = (m: SocketIoMessage, name: 'generation_id' | 'event_id'): string | undefined => {
  const data = m.args[0]
  const value = isObject(data) ? data[name] : undefined
  return typeof value === 'string' ? value : undefined
}

const PREFIX = 'generation:'

/**
 * The app's one Herald client, over the backend's socket.io server (no hub). A generation is the
 * channel `generation:<id>`, joined with the server's own `subscribe` emit; `event_id` dedupes. socket.io's
 * connection state recovery makes a short network loss a resume; after a server restart the page gets a
 * gap, and refetches the generation over REST.
 */
export const herald = socketIoSource({
  url: apiUrl,
  io,
  events: ['progress', 'clip_completed', 'status_change', 'completed'],
  channel: (m) => {
    const id = field(m, 'generation_id')
    return id === undefined ? undefined : `${PREFIX}${id}`
  },
  id: (m) => field(m, 'event_id'),
  subscribeEmit: (channel) => ['subscribe', { generation_id: channel.slice(PREFIX.length) }],
  unsubscribeEmit: (channel) => ['unsubscribe', { generation_id: channel.slice(PREFIX.length) }],
})
