interface ImportMetaEnv {
  /** The backend's WebSocket, e.g. ws://127.0.0.1:8001/events (inlined at build time). */
  readonly VITE_EVENTS_URL?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
