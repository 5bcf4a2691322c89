interface ImportMetaEnv {
  /** The backend's SSE stream, e.g. http://127.0.0.1:8000/realtime/stream (inlined at build time). */
  readonly VITE_SSE_URL?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
