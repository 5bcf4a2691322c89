/**
 * The API's CORS header values, the one home of them (the Node fast path, the Hono routes and SSE all send
 * them). Which origins are answered, and with what `Access-Control-Allow-Origin`, is the hub's
 * `OriginPolicy` (auth/origins.ts), applied to every `/v1/*` request in origin-check.ts before any route.
 */

/** Methods a preflight allows. */
export const CORS_ALLOW_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'OPTIONS'];
/** Request headers a preflight allows. */
export const CORS_ALLOW_HEADERS: readonly string[] = ['Authorization', 'Content-Type', 'Last-Event-ID'];
/** Response headers a browser app may read. */
export const CORS_EXPOSE_HEADERS: readonly string[] = ['Retry-After'];
/** How long a browser may cache a preflight, in seconds. */
export const CORS_MAX_AGE_S = 600;

/**
 * Headers every `/v1/*` answer carries. `Access-Control-Allow-Origin` is not among them: origin-check.ts
 * sets it per request, for allowed origins only.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'access-control-expose-headers': CORS_EXPOSE_HEADERS.join(','),
});

/** Headers of a preflight (`OPTIONS`) answer, a `204` with no body. */
export const CORS_PREFLIGHT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...CORS_HEADERS,
  'access-control-max-age': String(CORS_MAX_AGE_S),
  'access-control-allow-methods': CORS_ALLOW_METHODS.join(','),
  'access-control-allow-headers': CORS_ALLOW_HEADERS.join(','),
});
