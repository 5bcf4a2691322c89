import { createContext, type ReactNode, useContext } from 'react';
import type { CuttableSocket } from './cuttable-socket.js';

const DemoSocketContext = createContext<CuttableSocket | null>(null);

/** Provides the demo's cuttable socket to the header's "Cut connection" control. */
export function DemoSocketProvider({
  socket,
  children,
}: {
  socket: CuttableSocket;
  children: ReactNode;
}): ReactNode {
  return <DemoSocketContext.Provider value={socket}>{children}</DemoSocketContext.Provider>;
}

/** The demo's cuttable socket. */
export function useDemoSocket(): CuttableSocket {
  const socket = useContext(DemoSocketContext);
  if (socket === null) throw new Error('useDemoSocket needs <DemoSocketProvider>');
  return socket;
}
