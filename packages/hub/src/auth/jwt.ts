import { ErrorCode, HeraldError } from '@herald/protocol';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyOptions,
  jwtVerify,
} from 'jose';
import type { Principal } from './principal.js';

/**
 * Verifies connection tokens; rejects with a {@link HeraldError} (`ERR_UNAUTHORIZED`, also for a wrong `aud`
 * or `iss`, or `ERR_TOKEN_EXPIRED`).
 */
export type TokenVerifier = (token: string) => Promise<Principal>;

/** Options of {@link createJwtVerifier}. */
export interface JwtVerifierOptions {
  /** HS256 shared secret. */
  readonly secret?: string | undefined;
  /** JWKS URL for asymmetric keys. */
  readonly jwksUrl?: string | undefined;
  /** Accept tokens without `exp`. @default false */
  readonly allowNonExpiring?: boolean | undefined;
  /** Accepted `aud` values (one must match). @default none: not checked */
  readonly audience?: string | readonly string[] | undefined;
  /** Accepted `iss` values. @default none: not checked */
  readonly issuer?: string | readonly string[] | undefined;
  /** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds. @default 5 */
  readonly clockToleranceSec?: number | undefined;
}

/** The default of {@link JwtVerifierOptions.clockToleranceSec}: enough for clocks on NTP, small enough to matter. */
export const DEFAULT_CLOCK_TOLERANCE_SEC = 5;

function patterns(value: unknown, claim: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((p) => typeof p === 'string')) {
    throw new HeraldError(ErrorCode.Unauthorized, `token claim ${claim} must be an array of strings`);
  }
  return value as string[];
}

/**
 * When the hub stops honouring a token, in ms: its `exp`, or, for a token accepted only thanks to the
 * tolerance (already past `exp` by the hub's clock), `exp` plus the tolerance, so the connection it opens is
 * not closed the moment it is accepted.
 */
function deadline(expSec: number, toleranceSec: number, now: number): number {
  const exp = expSec * 1000;
  return exp > now ? exp : exp + toleranceSec * 1000;
}

function toPrincipal(payload: JWTPayload, allowNonExpiring: boolean, toleranceSec: number): Principal {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
    throw new HeraldError(ErrorCode.Unauthorized, 'token has no sub');
  }
  if (payload.exp === undefined && !allowNonExpiring)
    throw new HeraldError(ErrorCode.Unauthorized, 'token has no exp');
  return {
    kind: 'token',
    sub: payload.sub,
    exp: payload.exp === undefined ? null : deadline(payload.exp, toleranceSec, Date.now()),
    subChannels: patterns(payload.sub_channels, 'sub_channels'),
    pubChannels: patterns(payload.pub_channels, 'pub_channels'),
  };
}

function classify(err: unknown): HeraldError {
  if (err instanceof HeraldError) return err;
  if (err instanceof errors.JWTExpired) return new HeraldError(ErrorCode.TokenExpired, 'token expired');
  // A token for another audience or from another issuer is a bad credential like a bad signature: the
  // message says which claim (the client's answer, a new token, is the same).
  if (err instanceof errors.JWTClaimValidationFailed && (err.claim === 'aud' || err.claim === 'iss')) {
    const wanted = err.claim === 'aud' ? 'auth.audience' : 'auth.issuer';
    const message =
      err.reason === 'missing'
        ? `token has no ${err.claim}`
        : `token ${err.claim} is not in the hub's ${wanted}`;
    return new HeraldError(ErrorCode.Unauthorized, message);
  }
  if (err instanceof errors.JWKSTimeout) return new HeraldError(ErrorCode.Internal, 'JWKS fetch timed out');
  // The key set could not be had (jose throws its base JOSEError for a non-200 answer, JWKSInvalid for a
  // body that is no key set): the hub cannot judge the token, so it is a retryable hub-side failure, not
  // a refusal that would make every client drop a good token.
  if (
    err instanceof errors.JWKSInvalid ||
    (err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC')
  )
    return new HeraldError(ErrorCode.Internal, 'JWKS unavailable', { cause: err });
  if (err instanceof errors.JOSEError) return new HeraldError(ErrorCode.Unauthorized, 'invalid token');
  // Network failure fetching the JWKS: not the caller's fault, so retryable.
  return new HeraldError(ErrorCode.Internal, 'token verification failed', { cause: err });
}

/**
 * Builds a verifier for HS256 (secret) and/or JWKS tokens. Claims: `sub` (required), `exp` (required unless
 * allowed), `aud` and `iss` (when the options name them), `sub_channels` and `pub_channels` (patterns; a
 * missing claim allows nothing).
 */
export function createJwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  const secret = options.secret ? new TextEncoder().encode(options.secret) : undefined;
  const jwks = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;
  const allowNonExpiring = options.allowNonExpiring ?? false;
  const toleranceSec = options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC;
  const checks: JWTVerifyOptions = {
    requiredClaims: allowNonExpiring ? ['sub'] : ['sub', 'exp'],
    clockTolerance: toleranceSec,
    ...(options.audience === undefined ? {} : { audience: [options.audience].flat() }),
    ...(options.issuer === undefined ? {} : { issuer: [options.issuer].flat() }),
  };
  return async (token) => {
    try {
      let alg: string | undefined;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch {
        throw new HeraldError(ErrorCode.Unauthorized, 'malformed token');
      }
      if (alg === 'HS256' && secret) {
        const { payload } = await jwtVerify(token, secret, { ...checks, algorithms: ['HS256'] });
        return toPrincipal(payload, allowNonExpiring, toleranceSec);
      }
      if (jwks && alg !== undefined && !alg.startsWith('HS')) {
        const { payload } = await jwtVerify(token, jwks, checks);
        return toPrincipal(payload, allowNonExpiring, toleranceSec);
      }
      throw new HeraldError(ErrorCode.Unauthorized, 'token algorithm not accepted');
    } catch (err) {
      throw classify(err);
    }
  };
}
