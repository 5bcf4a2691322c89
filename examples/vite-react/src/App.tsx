import { JobsPage } from './jobs.tsx'

/** Which jobs to watch: ?jobs=a,b,c (the ids the backend returned when it queued them). */
function jobIdsFromUrl(): string[] {
  const param = new URLSearchParams(window.location.search).get('jobs')
  const ids = (param ?? 'gen_a,gen_b,gen_fail').split(',').map((s) => s.trim())
  return ids.filter((id) => /^[A-Za-z0-9_.-]{1,100}$/.test(id))
}

function App() {
  return <JobsPage jobIds={jobIdsFromUrl()} />
}

export default App
