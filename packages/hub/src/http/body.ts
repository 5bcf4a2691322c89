import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { ErrorCode, exceedsJsonDepth, HeraldError, MAX_JSON_DEPTH } from '@herald/protocol';

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

/**
 * Parses a whole body as JSON. Throws `ERR_BAD_ENCODING` for bytes that are not UTF-8 (decoding would
 * replace them silently, where a WebSocket text frame is closed with 1007), `ERR_TOO_DEEP` past
 * {@link MAX_JSON_DEPTH} levels (checked on the text, before parsing) and `ERR_BAD_JSON`.
 */
function parseJsonBody(body: Buffer): unknown {
  if (!isUtf8(body)) throw new HeraldError(ErrorCode.BadEncoding, 'body is not valid UTF-8');
  const text = body.toString('utf8');
  if (exceedsJsonDepth(text))
    throw new HeraldError(ErrorCode.TooDeep, `body nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HeraldError(ErrorCode.BadJson, 'body is not valid JSON');
  }
}

/**
 * Reads and parses a JSON request body from Node's own stream, enforcing `maxBytes` while reading (a
 * lying or absent `Content-Length` cannot make the hub buffer more: past the limit the rest is discarded).
 * Rejects with `ERR_UNSUPPORTED_MEDIA_TYPE`, `ERR_PAYLOAD_TOO_LARGE` or the codes of {@link parseJsonBody}, and with
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
    // The listeners stay on the request (it is done with once this settles): a flag is cheaper than
    // taking four of them off again on every publish.
    let settled = false;
    const onData = (chunk: Buffer): void => {
      if (settled) return; // past the limit: the rest is read and dropped until the answer closes it
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      settled = true;
      chunks.length = 0;
      reject(tooLarge(maxBytes));
    };
    const onEnd = (): void => {
      if (settled) return;
      settled = true;
      try {
        resolve(parseJsonBody(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
      } catch (err) {
        reject(err);
      }
    };
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      reject(aborted());
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
}
