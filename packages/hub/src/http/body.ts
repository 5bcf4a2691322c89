import type { IncomingMessage } from 'node:http';
import { ErrorCode, HeraldError } from '@herald/protocol';

/** Whether a `Content-Type` header value is JSON (`application/json` or `application/*+json`). */
export function isJsonContentType(value: string | undefined | null): boolean {
  if (!value) return false;
  const semi = value.indexOf(';');
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

const tooLarge = (maxBytes: number): HeraldError =>
  new HeraldError(ErrorCode.PayloadTooLarge, `body over ${maxBytes} bytes`);

const aborted = (): HeraldError =>
  new HeraldError(ErrorCode.BadMessage, 'request aborted before its body ended');

/** Parses a whole body as JSON; throws `ERR_BAD_JSON`. */
function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new HeraldError(ErrorCode.BadJson, 'body is not valid JSON');
  }
}

/**
 * Reads and parses a JSON request body from Node's own stream, enforcing `maxBytes` while reading (a
 * lying or absent `Content-Length` cannot make the hub buffer more: past the limit the rest is discarded).
 * Rejects with `ERR_UNSUPPORTED_MEDIA_TYPE`, `ERR_PAYLOAD_TOO_LARGE` or `ERR_BAD_JSON`, and with
 * `ERR_BAD_MESSAGE` when the client aborts before the body ends (nobody is left to read that answer).
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (!isJsonContentType(req.headers['content-type'])) {
    return Promise.reject(new HeraldError(ErrorCode.UnsupportedMediaType, 'body must be application/json'));
  }
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  // Gone while the credential was checked (a JWKS fetch): no event would ever settle the read.
  if (req.destroyed) return Promise.reject(aborted());
  return new Promise<unknown>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      done();
      // Still flowing without a listener, so the rest is read and dropped until the answer closes it.
      reject(tooLarge(maxBytes));
    };
    const onEnd = (): void => {
      done();
      try {
        resolve(parseJson(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
      } catch (err) {
        reject(err);
      }
    };
    const onAbort = (): void => {
      done();
      reject(aborted());
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
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
