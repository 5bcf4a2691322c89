import '@herald/react/styles.css';
import './styles.css';
import { HeraldProvider } from '@herald/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { createDashboardClient } from './client.js';
import { DemoSocketProvider } from './demo/demo-context.js';

const { client, socket } = createDashboardClient();
client.connect();

const root = document.getElementById('root');
if (root === null) throw new Error('index.html needs <div id="root">');
createRoot(root).render(
  <StrictMode>
    <HeraldProvider client={client}>
      <DemoSocketProvider socket={socket}>
        <App />
      </DemoSocketProvider>
    </HeraldProvider>
  </StrictMode>,
);
