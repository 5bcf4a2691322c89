import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { HeraldProvider } from '@herald/react'
import '@herald/react/styles.css'
import './index.css'
import { GenerationsPage } from './generations.tsx'
import { herald } from './herald.ts'

/** Which generations to watch: ?ids=gen_a,gen_b (the ids the backend returned when it queued them). */
const ids = (new URLSearchParams(window.location.search).get('ids') ?? 'gen_a,gen_b')
  .split(',')
  .map((s) => s.trim())
  .filter((id) => /^[A-Za-z0-9_.-]{1,100}$/.test(id))

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <HeraldProvider client={herald}>
      <GenerationsPage ids={ids} />
    </HeraldProvider>
  </StrictMode>,
)
