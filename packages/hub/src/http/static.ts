import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { HttpBindings } from '@hono/node-server';
import type { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

async function fileAt(path: string): Promise<Buffer | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? await readFile(path) : null;
  } catch {
    return null;
  }
}

/**
 * Serves `dir` at `/` for GET requests outside `/v1`, with an SPA fallback: unknown paths without a file
 * extension get `index.html`. Paths are resolved inside `dir` only.
 */
export function serveSpa(app: Hono<{ Bindings: HttpBindings }>, dir: string): void {
  const root = resolve(dir);
  app.get('*', async (c, next) => {
    const path = c.req.path;
    if (path.startsWith('/v1/') || path === '/healthz' || path === '/metrics') return next();
    let rel: string;
    try {
      rel = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, '');
    } catch {
      return next();
    }
    const target = join(root, rel);
    if (target !== root && !target.startsWith(root + sep)) return next();
    const direct = rel === '' ? null : await fileAt(target);
    const file = direct ?? (extname(rel) === '' ? await fileAt(join(root, 'index.html')) : null);
    if (file === null) return next();
    const type =
      direct === null ? TYPES['.html'] : (TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream');
    const immutable = direct !== null && rel.startsWith('assets/');
    return new Response(new Uint8Array(file), {
      headers: {
        'content-type': type ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
    });
  });
}
