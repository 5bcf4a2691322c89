import { ErrorCode, HeraldError } from '@herald/protocol';

/** Whether a `Content-Type` header value is JSON (`application/json` or `application/*+json`). */
export function isJsonContentType(value: string | undefined | null): boolean {
  if (!value) return false;
  const type = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Reads and parses a JSON request body, enforcing `maxBytes` while reading (a lying or absent
 * `Content-Length` cannot make the hub buffer more). Throws `ERR_UNSUPPORTED_MEDIA_TYPE`,
 * `ERR_PAYLOAD_TOO_LARGE` or `ERR_BAD_JSON`.
 */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  if (!isJsonContentType(req.headers.get('content-type'))) {
    throw new HeraldError(ErrorCode.UnsupportedMediaType, 'body must be application/json');
  }
  const declared = Number(req.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw new HeraldError(ErrorCode.PayloadTooLarge, `body over ${maxBytes} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body !== null) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new HeraldError(ErrorCode.PayloadTooLarge, `body over ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks, size).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HeraldError(ErrorCode.BadJson, 'body is not valid JSON');
  }
}

/** Parses a non-negative integer query value (`after`, `limit`, `Last-Event-ID`); throws `ERR_BAD_POSITION`. */
export function parseSeqParam(name: string, raw: string | undefined | null, fallback: number): number {
  if (raw === undefined || raw === null || raw === '') return fallback;
  const n = /^\d{1,16}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new HeraldError(ErrorCode.BadPosition, `${name} must be a non-negative integer`);
  }
  return n;
}
