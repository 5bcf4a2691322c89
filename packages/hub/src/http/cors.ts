/**
 * The API's CORS policy, the one home of its header values (the Hono middleware, the Node fast path and
 * SSE all read them). Credentials are bearer tokens, never cookies, so any origin may call the API
 * (dashboards on another port).
 */

/** Methods a preflight allows. */
export const CORS_ALLOW_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'OPTIONS'];
/** Request headers a preflight allows. */
export const CORS_ALLOW_HEADERS: readonly string[] = ['Authorization', 'Content-Type', 'Last-Event-ID'];
/** Response headers a browser app may read. */
export const CORS_EXPOSE_HEADERS: readonly string[] = ['Retry-After'];
/** How long a browser may cache a preflight, in seconds. */
export const CORS_MAX_AGE_S = 600;

/** Headers every `/v1/*` answer carries. */
export const CORS_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'access-control-allow-origin': '*',
  'access-control-expose-headers': CORS_EXPOSE_HEADERS.join(','),
});

/** Headers of a preflight (`OPTIONS`) answer, a `204` with no body. */
export const CORS_PREFLIGHT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...CORS_HEADERS,
  'access-control-max-age': String(CORS_MAX_AGE_S),
  'access-control-allow-methods': CORS_ALLOW_METHODS.join(','),
  'access-control-allow-headers': CORS_ALLOW_HEADERS.join(','),
});
