import { RealtimeErrorBoundary, Toaster, toast, useConnectionToasts, useEvent } from '@herald/react';
import type { ReactNode } from 'react';
import { Header } from './components/header.js';
import { formatDuration } from './lib/format.js';
import { useRoute } from './lib/hash-route.js';
import { ActivityPage } from './pages/activity-page.js';
import { GenerationsPage } from './pages/generations-page.js';
import { RunsPage } from './pages/runs-page.js';

/** The dashboard shell: header, the current page inside an error boundary, and toasts. */
export function App(): ReactNode {
  const route = useRoute();
  useConnectionToasts(toast);
  useRunToasts();
  return (
    <>
      <Header route={route} />
      <main className="page" id="main">
        <RealtimeErrorBoundary>
          {route.page === 'runs' ? (
            <RunsPage runId={route.runId} />
          ) : route.page === 'generations' ? (
            <GenerationsPage />
          ) : (
            <ActivityPage />
          )}
        </RealtimeErrorBoundary>
      </main>
      <Toaster />
    </>
  );
}

/** A toast for every run that completes or fails while the dashboard is open (not for history). */
function useRunToasts(): void {
  useEvent('runs', 'run.completed', (event) => {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const title = typeof data.song_title === 'string' ? `“${data.song_title}”` : 'Run';
    const duration = typeof data.duration_ms === 'number' ? ` in ${formatDuration(data.duration_ms)}` : '';
    if (data.status === 'failed') {
      const node = typeof data.failed_node === 'string' ? ` at ${data.failed_node}` : '';
      toast({
        kind: 'run-failed',
        title: `${title} failed${node}`,
        description: `Run ${String(data.run_id)}`,
      });
    } else {
      toast({
        kind: 'run-completed',
        title: `${title} completed${duration}`,
        description: `Run ${String(data.run_id)}`,
      });
    }
  });
}
