// @vitest-environment jsdom
import type { HeraldClient } from '@herald/client';
import {
  plainWebSocketSource,
  type SocketIoMessage,
  socketIoSource,
  sseSource,
} from '@herald/client/sources';
import { waitFor } from '@herald/testing';
import { cleanup, render, screen } from '@testing-library/react';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  type RunEvent,
  startJsonWsServer,
  startSocketIoServer,
  startSseServer,
} from '../../client/test/sources/servers.js';
import { ConnectionStatus } from '../src/components/connection-status.js';
import { HeraldProvider } from '../src/context.js';
import { useChannelEvents } from '../src/hooks/use-channel-events.js';
import { useConnectionStatus } from '../src/hooks/use-connection-status.js';

// @herald/react's hooks and components, unchanged, over each source for a backend without a hub: the
// events reach the DOM, the status follows the backend connection, and a reconnect without resume shows
// the gap the app refetches on.

let stop: (() => Promise<void>) | undefined;
let client: HeraldClient | undefined;
afterEach(async () => {
  cleanup();
  client?.close();
  await stop?.();
  client = stop = undefined;
});

function Feed({ channel }: { channel: string }) {
  const { events, status, gap } = useChannelEvents<{ n: number }>(channel);
  const connection = useConnectionStatus();
  return (
    <div>
      <ConnectionStatus />
      <p data-testid="state">{connection.state}</p>
      <p data-testid="status">{status}</p>
      <p data-testid="gap">{gap ? `gap after ${gap.lastSeq}` : 'no gap'}</p>
      <ol>
        {events.map((e) => (
          <li key={e.seq} data-testid="event">
            {e.seq} {e.type} {e.data.n}
          </li>
        ))}
      </ol>
    </div>
  );
}

const shown = () => screen.queryAllByTestId('event').map((li) => li.textContent);
const text = (id: string) => screen.getByTestId(id).textContent;

function show(source: HeraldClient, channel: string) {
  client = source;
  render(
    <HeraldProvider client={source}>
      <Feed channel={channel} />
    </HeraldProvider>,
  );
}

const quick = { backoff: { initialMs: 30, maxMs: 120 } } as const;

describe('@herald/react over sources', () => {
  it('plainWebSocketSource: events render, a cut shows reconnecting and then the gap, events go on', async () => {
    const server = await startJsonWsServer();
    stop = server.stop;
    show(
      plainWebSocketSource<RunEvent>({
        url: server.url,
        WebSocket,
        channel: (m) => `run:${m.run_id}`,
        type: (m) => `${m.node}.${m.phase}`,
        data: (m) => ({ n: m.n }),
        id: (m) => `${m.run_id}:${m.n}`,
        ...quick,
      }),
      'run:r1',
    );
    await waitFor(() => text('status') === 'live' && server.clients().length === 1);
    expect(text('state')).toBe('connected');
    server.emit({ run_id: 'r1', node: 'PLAN', phase: 'end', n: 1 }, { times: 2 });
    server.emit({ run_id: 'r1', node: 'STYLE', phase: 'start', n: 2 });
    await waitFor(() => shown().length === 2);
    expect(shown()).toEqual(['1 PLAN.end 1', '2 STYLE.start 2']);
    server.cut();
    await waitFor(() => text('gap') === 'gap after 2' && text('state') === 'connected');
    server.emit({ run_id: 'r1', node: 'STYLE', phase: 'end', n: 3 });
    await waitFor(() => shown().length === 3);
    expect(shown()[2]).toBe('3 STYLE.end 3');
  });

  it('sseSource with a backend honouring Last-Event-ID: a cut resumes with every event rendered once, no gap', async () => {
    const server = await startSseServer({ honoursLastEventId: true });
    stop = server.stop;
    show(
      sseSource({ url: server.url, channel: 'tenant:t1:goals', resumes: true, ...quick }),
      'tenant:t1:goals',
    );
    await waitFor(() => text('status') === 'live' && server.streams() === 1);
    server.push({ n: 1 }, { event: 'goal.created' });
    await waitFor(() => shown().length === 1);
    server.cut();
    server.push({ n: 2 }, { event: 'goal.activated', live: false });
    await waitFor(() => shown().length === 2);
    server.push({ n: 3 }, { event: 'goal.completed' });
    await waitFor(() => shown().length === 3);
    expect(shown()).toEqual(['1 goal.created 1', '2 goal.activated 2', '3 goal.completed 3']);
    expect(text('gap')).toBe('no gap');
    expect(screen.getByRole('status').textContent).toMatch(/connected|live/i);
  });

  it('socketIoSource: events of the joined room render, and a server restart shows the gap', async () => {
    const server = await startSocketIoServer({ recovery: true });
    stop = server.stop;
    show(
      socketIoSource({
        url: server.url,
        io,
        ioOptions: { transports: ['websocket'] },
        channel: (m: SocketIoMessage) =>
          `generation:${(m.args[0] as { generation_id: string }).generation_id}`,
        id: (m) => `${m.event}:${(m.args[0] as { n: number }).n}`,
        subscribeEmit: (channel) => ['join', channel],
        ...quick,
      }),
      'generation:g1',
    );
    await waitFor(() => text('status') === 'live' && server.sockets() === 1);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the join reaches the server
    server.emit('generation:g1', 'progress', { generation_id: 'g1', n: 1 });
    await waitFor(() => shown().length === 1);
    expect(shown()).toEqual(['1 progress 1']);
    await server.stop();
    await waitFor(() => text('state') === 'reconnecting');
    await server.restart();
    await waitFor(() => text('gap') === 'gap after 1' && server.sockets() === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.emit('generation:g1', 'completed', { generation_id: 'g1', n: 2 });
    await waitFor(() => shown().length === 2);
    expect(shown()[1]).toBe('2 completed 2');
  });
});
