import { createServer } from 'node:http';
import { httpPublishHandler } from './http-publish-handler.js';

/** A `node:http` server that parses each published body and answers 201: the HTTP publish ceiling. */
export async function startPlainHttpServer(): Promise<{ port: number; close(): Promise<void> }> {
  const http = createServer(httpPublishHandler(() => {}));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
