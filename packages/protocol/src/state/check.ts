import { MAX_JSON_DEPTH } from '../json-depth.js';
import { isRecord } from '../validate.js';
import type { StateFailure } from './apply.js';
import { STATE_OP_NAMES, type StateOp, type StateOpName } from './ops.js';

/** Most operations one event may carry. */
export const MAX_STATE_OPS = 1000;

const NEEDS_VALUE: ReadonlySet<StateOpName> = new Set(['add', 'replace', 'test', 'append', 'increment']);
const NEEDS_FROM: ReadonlySet<StateOpName> = new Set(['move', 'copy']);

/** Whether a JSON Pointer has more tokens than a document may have levels (one `/` per token). */
function tooDeep(pointer: string): boolean {
  let tokens = 0;
  for (let i = pointer.indexOf('/'); i !== -1; i = pointer.indexOf('/', i + 1)) {
    if (++tokens > MAX_JSON_DEPTH) return true;
  }
  return false;
}

function checkOne(v: unknown): string | undefined {
  if (!isRecord(v)) return 'must be an object {op, path, ...}';
  const name = v.op as StateOpName;
  if (typeof v.op !== 'string' || !STATE_OP_NAMES.includes(name))
    return `op must be one of ${STATE_OP_NAMES.join(', ')}`;
  if (typeof v.path !== 'string') return 'path must be a string (a JSON Pointer)';
  if (NEEDS_FROM.has(name) && typeof v.from !== 'string') return `${name} needs from (a JSON Pointer)`;
  // Operations walk their path recursively; no state is deeper than this anyway.
  if (tooDeep(v.path) || (typeof v.from === 'string' && tooDeep(v.from)))
    return `path is deeper than ${MAX_JSON_DEPTH} levels`;
  if (NEEDS_VALUE.has(name) && (!('value' in v) || v.value === undefined)) return `${name} needs a value`;
  if (name === 'increment' && !Number.isFinite(v.value)) return 'increment needs a finite number value';
  for (const key of Object.keys(v)) {
    const known =
      key === 'op' ||
      key === 'path' ||
      (key === 'from' ? NEEDS_FROM.has(name) : key === 'value' && NEEDS_VALUE.has(name));
    if (!known) return `unknown field "${key}" for ${name}`;
  }
  return undefined;
}

/**
 * Checks the shape of an event's `state` field: an array of at most {@link MAX_STATE_OPS} operations, each
 * with a known `op`, string paths and the fields that op needs (and no others). Paths are parsed when the
 * operations are applied.
 */
export function checkStateOps(v: unknown): StateFailure | undefined {
  if (!Array.isArray(v))
    return { reason: 'malformed', message: 'state must be an array of operations', index: 0 };
  if (v.length > MAX_STATE_OPS)
    return {
      reason: 'malformed',
      message: `state has more than ${MAX_STATE_OPS} operations`,
      index: MAX_STATE_OPS,
    };
  for (let index = 0; index < v.length; index++) {
    const problem = checkOne(v[index]);
    if (problem !== undefined) return { reason: 'malformed', message: `state[${index}] ${problem}`, index };
  }
  return undefined;
}

/** Narrows a checked value. */
export function isStateOps(v: unknown): v is readonly StateOp[] {
  return checkStateOps(v) === undefined;
}
