import type { JsonValue } from '@herald/protocol';
import type { Incoming } from './ledger.js';
import type { SourceMapping } from './types.js';

type Fields = { readonly [key: string]: unknown };

/** The message's own fields when it is a JSON object (most backends send one per event). */
export const fieldsOf = (value: unknown): Fields =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {};

/** 64 bits of FNV-1a (two 32-bit runs with different offsets): an id for a message that carries none. */
export function hashId(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return `h${(a >>> 0).toString(36)}${(b >>> 0).toString(36)}`;
}

/** What a source knows of a message besides the mapping: its usual fields and its text, for defaults. */
export interface MessageDefaults {
  /** The object whose `id`, `type`, `data` and `ts` fields the defaults read. */
  readonly fields: Fields;
  /** The type when neither the mapping nor the fields give one. */
  readonly type: string;
  /** The data when the fields have no `data`. */
  readonly data: JsonValue;
  /** The text hashed into an id when neither the mapping nor the fields give one. */
  readonly text: string;
  /** An id the transport carries (an SSE `id:`), used before hashing. */
  readonly id?: string | undefined;
}

/**
 * Maps one backend message to an {@link Incoming} event, or returns null when the mapping says it is none
 * (no channel). A mapping function that throws skips the message too, with `onSkip` told why.
 */
export function mapMessage<M>(
  mapping: SourceMapping<M>,
  message: M,
  defaults: MessageDefaults,
  now: () => number,
  onSkip: (reason: string, cause?: unknown) => void,
): Incoming | null {
  try {
    const { fields } = defaults;
    const channel = typeof mapping.channel === 'string' ? mapping.channel : mapping.channel(message);
    if (channel === null || channel === undefined) return null;
    const ownId = fields.id;
    const id =
      mapping.id?.(message) ??
      (typeof ownId === 'string' || typeof ownId === 'number' ? String(ownId) : undefined) ??
      defaults.id ??
      hashId(defaults.text);
    const type = mapping.type?.(message) ?? (typeof fields.type === 'string' ? fields.type : defaults.type);
    const data = mapping.data
      ? mapping.data(message)
      : 'data' in fields
        ? (fields.data as JsonValue)
        : defaults.data;
    const ts =
      mapping.ts?.(message) ?? (typeof fields.ts === 'string' ? fields.ts : new Date(now()).toISOString());
    const order = mapping.order?.(message) ?? undefined;
    return { channel, id, type, data, ts, ...(order !== undefined && order !== null && { order }) };
  } catch (cause) {
    onSkip('the mapping threw', cause);
    return null;
  }
}
