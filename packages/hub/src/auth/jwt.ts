import { ErrorCode, HeraldError } from '@herald/protocol';
import { createRemoteJWKSet, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import type { Principal } from './principal.js';

/** Verifies connection tokens; rejects with a {@link HeraldError} (`ERR_UNAUTHORIZED` or `ERR_TOKEN_EXPIRED`). */
export type TokenVerifier = (token: string) => Promise<Principal>;

/** Options of {@link createJwtVerifier}. */
export interface JwtVerifierOptions {
  /** HS256 shared secret. */
  readonly secret?: string | undefined;
  /** JWKS URL for asymmetric keys. */
  readonly jwksUrl?: string | undefined;
  /** Accept tokens without `exp`. @default false */
  readonly allowNonExpiring?: boolean | undefined;
}

function patterns(value: unknown, claim: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((p) => typeof p === 'string')) {
    throw new HeraldError(ErrorCode.Unauthorized, `token claim ${claim} must be an array of strings`);
  }
  return value as string[];
}

function toPrincipal(payload: JWTPayload, allowNonExpiring: boolean): Principal {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
    throw new HeraldError(ErrorCode.Unauthorized, 'token has no sub');
  }
  if (payload.exp === undefined && !allowNonExpiring)
    throw new HeraldError(ErrorCode.Unauthorized, 'token has no exp');
  return {
    kind: 'token',
    sub: payload.sub,
    exp: payload.exp === undefined ? null : payload.exp * 1000,
    subChannels: patterns(payload.sub_channels, 'sub_channels'),
    pubChannels: patterns(payload.pub_channels, 'pub_channels'),
  };
}

function classify(err: unknown): HeraldError {
  if (err instanceof HeraldError) return err;
  if (err instanceof errors.JWTExpired) return new HeraldError(ErrorCode.TokenExpired, 'token expired');
  if (err instanceof errors.JWKSTimeout) return new HeraldError(ErrorCode.Internal, 'JWKS fetch timed out');
  if (err instanceof errors.JOSEError) return new HeraldError(ErrorCode.Unauthorized, 'invalid token');
  // Network failure fetching the JWKS: not the caller's fault, so retryable.
  return new HeraldError(ErrorCode.Internal, 'token verification failed', { cause: err });
}

/**
 * Builds a verifier for HS256 (secret) and/or JWKS tokens. Claims: `sub` (required), `exp` (required unless
 * allowed), `sub_channels` and `pub_channels` (patterns; a missing claim allows nothing).
 */
export function createJwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  const secret = options.secret ? new TextEncoder().encode(options.secret) : undefined;
  const jwks = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;
  const allowNonExpiring = options.allowNonExpiring ?? false;
  const required = allowNonExpiring ? ['sub'] : ['sub', 'exp'];
  return async (token) => {
    try {
      let alg: string | undefined;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch {
        throw new HeraldError(ErrorCode.Unauthorized, 'malformed token');
      }
      if (alg === 'HS256' && secret) {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: ['HS256'],
          requiredClaims: required,
        });
        return toPrincipal(payload, allowNonExpiring);
      }
      if (jwks && alg !== undefined && !alg.startsWith('HS')) {
        const { payload } = await jwtVerify(token, jwks, { requiredClaims: required });
        return toPrincipal(payload, allowNonExpiring);
      }
      throw new HeraldError(ErrorCode.Unauthorized, 'token algorithm not accepted');
    } catch (err) {
      throw classify(err);
    }
  };
}
