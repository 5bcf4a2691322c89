import { createClient } from '@herald/client'

const hubUrl = import.meta.env.VITE_HERALD_URL ?? 'http://127.0.0.1:8080'
const tokenUrl = import.meta.env.VITE_HERALD_TOKEN_URL ?? 'http://127.0.0.1:8788/token'

/** The app's one Herald client, created once at module level (StrictMode remounts reuse it). */
export const herald = createClient({
  url: hubUrl,
  // A fresh short-lived token from the backend before every connection and on refresh (docs/tokens.md).
  getToken: async () => {
    const res = await fetch(tokenUrl, { cache: 'no-store' })
    if (res.status === 401) return null // signed out: the client stops
    if (!res.ok) throw new Error(`herald token: HTTP ${res.status}`) // retried with backoff
    return ((await res.json()) as { token: string }).token
  },
})
