import type { JsonValue } from '../envelope.js';

/**
 * One operation on a channel's state document: JSON Patch (RFC 6902) on JSON Pointer paths, plus `append`
 * (to a string, or to an array) and `increment` (a number). Writing operations create missing parent
 * objects. PROTOCOL.md ("Channel state") gives the rules.
 */
export type StateOp =
  | { readonly op: 'add'; readonly path: string; readonly value: JsonValue }
  | { readonly op: 'replace'; readonly path: string; readonly value: JsonValue }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'move'; readonly from: string; readonly path: string }
  | { readonly op: 'copy'; readonly from: string; readonly path: string }
  | { readonly op: 'test'; readonly path: string; readonly value: JsonValue }
  /** Appends `value` to the string (value must be a string) or array at `path`; creates it when missing. */
  | { readonly op: 'append'; readonly path: string; readonly value: JsonValue }
  /** Adds `value` to the number at `path`; a missing number counts as 0. */
  | { readonly op: 'increment'; readonly path: string; readonly value: number };

/** The name of a state operation. */
export type StateOpName = StateOp['op'];

/** Every operation name, in the order PROTOCOL.md lists them. */
export const STATE_OP_NAMES: readonly StateOpName[] = [
  'add',
  'remove',
  'replace',
  'move',
  'copy',
  'test',
  'append',
  'increment',
];

/** The document a channel's state starts as, before any operation. */
export const EMPTY_STATE: JsonValue = {};
