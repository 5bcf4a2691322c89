import { type ErrorCode, isRetryableError } from './codes.js';

/** The JSON shape of an error, on the wire and in HTTP bodies. */
export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
  readonly retryable: boolean;
}

/**
 * An error with a stable {@link ErrorCode}. Thrown or rejected by every Herald package, so callers can
 * branch on `err.code` instead of parsing messages.
 */
export class HeraldError extends Error {
  // `declare`: the constructor assigns both, so no class-field code (a helper below es2022) is emitted.
  /** The stable code, documented in PROTOCOL.md. */
  declare readonly code: ErrorCode;
  /** Whether repeating the operation later may succeed. */
  declare readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HeraldError';
    this.code = code;
    this.retryable = options?.retryable ?? isRetryableError(code);
  }

  /** The wire form of this error. */
  toJSON(): ErrorBody {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }
}
