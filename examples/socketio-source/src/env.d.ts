interface ImportMetaEnv {
  /** The backend's socket.io server and REST API, e.g. http://127.0.0.1:3001 (inlined at build time). */
  readonly VITE_API_URL?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
