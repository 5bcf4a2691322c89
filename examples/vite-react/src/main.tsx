import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { HeraldProvider } from '@herald/react'
import '@herald/react/styles.css'
import './index.css'
import App from './App.tsx'
import { herald } from './herald.ts'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <HeraldProvider client={herald}>
      <App />
    </HeraldProvider>
  </StrictMode>,
)
