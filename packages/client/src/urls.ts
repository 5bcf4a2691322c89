/** `http(s)://host[:port]` or `ws(s)://host[:port]/v1/ws` → both forms. */
export function resolveUrls(url: string): { ws: string; http: string } {
  const base = url.replace(/\/v1\/ws\/?$/, '').replace(/\/+$/, '');
  return { ws: `${base.replace(/^http/, 'ws')}/v1/ws`, http: base.replace(/^ws/, 'http') };
}
