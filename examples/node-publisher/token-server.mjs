// The getToken endpoint pattern (docs/tokens.md) as a bare node:http server: GET /token answers
// { token } with a short-lived connection token. Browsers on other origins (the Vite examples) call it
// cross-origin, so it answers CORS for the origins it is told to trust.
import { createServer } from 'node:http';
import { mintConnectionToken } from './herald.mjs';

/**
 * @param {{ secret: string, port?: number, host?: string, subChannels?: string[], allowOrigin?: string }} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export function startTokenServer({ secret, port = 8787, host = '127.0.0.1', subChannels, allowOrigin = '*' }) {
  const server = createServer(async (req, res) => {
    const cors = { 'access-control-allow-origin': allowOrigin, vary: 'origin' };
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET', 'access-control-max-age': '600' });
      return res.end();
    }
    if (req.method !== 'GET' || url.pathname !== '/token') {
      res.writeHead(404, cors);
      return res.end();
    }
    // A real backend checks the user's session here and answers 401 when signed out.
    const user = { id: 'demo-viewer' };
    try {
      const token = await mintConnectionToken({
        secret,
        sub: user.id,
        subChannels: subChannels ?? ['run:*', 'generation:*'],
        ttlSeconds: 300,
      });
      res.writeHead(200, { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ token }));
    } catch (err) {
      res.writeHead(500, cors);
      res.end(String(err));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        url: `http://${host}:${typeof address === 'object' && address ? address.port : port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
