interface ImportMetaEnv {
  /** The Herald hub, e.g. http://127.0.0.1:8080 (inlined at build time). */
  readonly VITE_HERALD_URL?: string
  /** The backend endpoint that answers { token } (examples/python-publisher: serve-token). */
  readonly VITE_HERALD_TOKEN_URL?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
