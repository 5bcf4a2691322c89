import type { PerMessageDeflateOptions } from 'ws';

/** How the hub compresses WebSocket messages when a client offers permessage-deflate (RFC 7692). */
export interface CompressionOptions {
  /**
   * Messages shorter than this many bytes are sent uncompressed: pings, acks and `subscribed` replies
   * gain little and would cost a zlib call each. A single event envelope (a few hundred bytes of JSON) is
   * above it.
   * @default 256
   */
  threshold: number;
  /**
   * zlib level, 1 (fastest) to 9 (smallest). JSON events gain little past 1 and cost more CPU per message.
   * @default 1
   */
  level: number;
  /**
   * log2 of the deflate window the hub keeps per connection between messages (`server_max_window_bits`,
   * 9 to 15). Consecutive JSON events repeat their keys, so an event compresses to about a tenth against
   * the one before it, as long as the window holds that one: 11 (2 KiB) fits events up to about 2 KB, and
   * bigger events still compress, but only within themselves (about two thirds). Each connection that has
   * been sent a compressed message keeps a zlib stream: measured at about 110 KiB more hub memory (RSS)
   * per connection at 11 and about 235 KiB at 15 (zlib's default). A client that asks for a smaller
   * `server_max_window_bits` than this is refused (400); browsers and `ws` never ask.
   * @default 11
   */
  windowBits: number;
}

/** The defaults of {@link CompressionOptions}. */
export const DEFAULT_COMPRESSION: Readonly<CompressionOptions> = Object.freeze({
  threshold: 256,
  level: 1,
  windowBits: 11,
});

/** zlib's memory level: 4 rather than its default 8 (hash table and buffers of 8 KiB per stream, not 128). */
const MEM_LEVEL = 4;

function intIn(name: string, value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`compression.${name} must be an integer from ${min} to ${max}`);
  return value;
}

/** `HubOptions.compression` with defaults applied and ranges checked; `null` when it is off. */
export function resolveCompression(
  option: boolean | Partial<CompressionOptions> | undefined,
): Readonly<CompressionOptions> | null {
  if (option === undefined || option === false) return null;
  if (option === true) return DEFAULT_COMPRESSION;
  return Object.freeze({
    threshold: intIn('threshold', option.threshold, 0, 2 ** 31 - 1, DEFAULT_COMPRESSION.threshold),
    level: intIn('level', option.level, 1, 9, DEFAULT_COMPRESSION.level),
    windowBits: intIn('windowBits', option.windowBits, 9, 15, DEFAULT_COMPRESSION.windowBits),
  });
}

/**
 * The `perMessageDeflate` option of the `ws` server. Off, the hub answers an upgrade that offers
 * permessage-deflate without the extension, and the client sends and receives plain frames. On, the
 * window is kept between messages (context takeover) unless the client asks otherwise.
 */
export function perMessageDeflateOf(
  compression: Readonly<CompressionOptions> | null,
): false | PerMessageDeflateOptions {
  if (compression === null) return false;
  return {
    threshold: compression.threshold,
    serverMaxWindowBits: compression.windowBits,
    zlibDeflateOptions: { level: compression.level, memLevel: MEM_LEVEL },
  };
}
