import '@herald/react/styles.css';
import './styles.css';
import { HeraldProvider } from '@herald/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { createDashboardClient } from './client.js';
import { DemoSocketProvider } from './demo/demo-context.js';

const { client, socket } = createDashboardClient();
const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, retry: 1 } } });
client.connect();

const root = document.getElementById('root');
if (root === null) throw new Error('index.html needs <div id="root">');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <HeraldProvider client={client}>
        <DemoSocketProvider socket={socket}>
          <App />
        </DemoSocketProvider>
      </HeraldProvider>
    </QueryClientProvider>
  </StrictMode>,
);
