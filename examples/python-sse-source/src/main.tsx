import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { HeraldProvider } from '@herald/react'
import '@herald/react/styles.css'
import './index.css'
import { GoalPage } from './goal.tsx'
import { herald } from './herald.ts'

/** Which goal to watch: ?goal=g1 (PurposePath's GoalRoom). */
const goalId = new URLSearchParams(window.location.search).get('goal') ?? 'g1'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <HeraldProvider client={herald}>
      <GoalPage goalId={/^[A-Za-z0-9_.-]{1,100}$/.test(goalId) ? goalId : 'g1'} />
    </HeraldProvider>
  </StrictMode>,
)
