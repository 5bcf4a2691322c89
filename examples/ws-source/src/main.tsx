import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { HeraldProvider } from '@herald/react'
import '@herald/react/styles.css'
import './index.css'
import { herald } from './herald.ts'
import { RunPage } from './run.tsx'

/** Which workflow run to watch: ?run=song-1. */
const runId = new URLSearchParams(window.location.search).get('run') ?? 'song-1'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <HeraldProvider client={herald}>
      <RunPage runId={/^[A-Za-z0-9_.-]{1,100}$/.test(runId) ? runId : 'song-1'} />
    </HeraldProvider>
  </StrictMode>,
)
