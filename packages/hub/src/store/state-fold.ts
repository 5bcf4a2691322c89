import {
  applyStateOps,
  checkStateOps,
  ErrorCode,
  exceedsJsonDepth,
  HeraldError,
  type JsonValue,
  MAX_JSON_DEPTH,
  type PublishInput,
  type StateFailure,
  type StateOp,
  stateInvalid,
} from '@herald/protocol';

/** The state size limit when none is configured: 1 MiB of UTF-8 JSON. */
export const DEFAULT_MAX_STATE_BYTES = 1_048_576;

/** Checks a configured state size limit (a whole number of bytes, at least 2: the size of `{}`). */
export function resolveMaxStateBytes(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_STATE_BYTES;
  if (!Number.isSafeInteger(value) || value < 2)
    throw new RangeError(`maxStateBytes must be an integer >= 2, got ${value}`);
  return value;
}

/** An input's operations, or undefined when it carries none (an empty list is none). */
function opsOf(input: PublishInput): readonly StateOp[] | undefined {
  return input.state !== undefined && input.state.length > 0 ? input.state : undefined;
}

/** Whether any input carries state operations (stores skip all state work otherwise). */
export function carriesState(inputs: readonly PublishInput[]): boolean {
  return inputs.some((input) => opsOf(input) !== undefined);
}

/**
 * Folds one input's operations into `doc` with the protocol's `applyStateOps` (the one place operations
 * are applied) and returns the new document; `doc` itself is never changed. Throws the coded
 * {@link HeraldError} of `stateInvalid`, naming event `index` of a batch of `batchSize`, or
 * `ERR_STATE_TOO_LARGE` when a `copy` grows the document past the store's `maxBytes`.
 */
export function foldInput(
  doc: JsonValue,
  input: PublishInput,
  index: number,
  batchSize: number,
  maxBytes: number,
): JsonValue {
  const ops = opsOf(input);
  if (ops === undefined) return doc;
  // Stores may be called directly (not through the publish path's validation): check the shape first.
  const failure = checkStateOps(ops);
  if (failure !== undefined) throw invalid(failure, index, batchSize);
  if (!ops.some((op) => op.op === 'copy')) {
    const result = applyStateOps(doc, ops);
    if (result.ok) return result.state;
    throw invalid(result.error, index, batchSize);
  }
  // A copy shares structure, so each one can double the document's logical size: forty of them in one
  // 2 KB publish would make a document that no JSON.stringify finishes. Measured after every copy, the
  // document is at most twice the limit when it is refused.
  let next = doc;
  for (let at = 0; at < ops.length; at++) {
    const op = ops[at] as StateOp;
    const result = applyStateOps(next, [op]);
    if (!result.ok) throw invalid({ ...result.error, index: at }, index, batchSize);
    next = result.state;
    if (op.op === 'copy') encodeState(next, maxBytes);
  }
  return next;
}

function invalid(error: StateFailure, index: number, batchSize: number): HeraldError {
  const { code, message } = stateInvalid(error, index, batchSize);
  return new HeraldError(code, message);
}

const tooDeep = (): HeraldError =>
  new HeraldError(ErrorCode.TooDeep, `channel state would nest deeper than ${MAX_JSON_DEPTH} levels`);

/**
 * `JSON.stringify` of a state document. Copies within one publish can nest it thousands of levels deep
 * before it is encoded (each `copy` of the root into a path adds that path's levels): the stack overflow
 * that follows is that input's `ERR_TOO_DEEP`, not a hub failure.
 */
function stringifyState(doc: JsonValue): string {
  try {
    return JSON.stringify(doc);
  } catch (err) {
    if (err instanceof RangeError && /call stack/i.test(err.message)) throw tooDeep();
    throw err;
  }
}

/**
 * The JSON of a state document, refused with `ERR_STATE_TOO_LARGE` past `maxBytes` UTF-8 bytes and with
 * `ERR_TOO_DEEP` past `MAX_JSON_DEPTH` levels (so every stored state can be sent in a frame).
 */
export function encodeState(doc: JsonValue, maxBytes: number): string {
  const json = stringifyState(doc);
  // UTF-8 takes at least one byte per UTF-16 unit, so only a long string needs counting.
  if (json.length > maxBytes || (json.length * 3 > maxBytes && Buffer.byteLength(json) > maxBytes)) {
    throw new HeraldError(
      ErrorCode.StateTooLarge,
      `channel state would be ${Buffer.byteLength(json)} bytes, over the limit of ${maxBytes}`,
    );
  }
  if (exceedsJsonDepth(json)) throw tooDeep();
  return json;
}

/** The stored form of an input's operations: their JSON, or null when it carries none. */
export function stateOpsJson(input: PublishInput): string | null {
  const ops = opsOf(input);
  return ops === undefined ? null : JSON.stringify(ops);
}

/** The envelope field of an input's operations: present only when it carries some. */
export function stateField(
  input: PublishInput,
): { readonly state: readonly StateOp[] } | Record<never, never> {
  const ops = opsOf(input);
  return ops === undefined ? {} : { state: ops };
}
