import { ErrorCode, HeraldError } from '@herald/protocol';
import type { AuthOptions } from '../config.js';
import { ApiKeys } from './api-keys.js';
import { createJwtVerifier, type TokenVerifier } from './jwt.js';
import { keyPrincipal, OPEN_PRINCIPAL, type Principal } from './principal.js';

/** Turns a credential (connection token or publisher key) into a {@link Principal}. */
export class Authenticator {
  private readonly keys: ApiKeys;
  private readonly verify: TokenVerifier | null;

  /**
   * @param open - Open dev hub: every caller gets {@link OPEN_PRINCIPAL}.
   */
  constructor(
    readonly open: boolean,
    auth: AuthOptions | undefined,
  ) {
    this.keys = new ApiKeys(auth?.publisherKeys ?? []);
    this.verify =
      auth?.jwtSecret || auth?.jwksUrl
        ? createJwtVerifier({
            secret: auth.jwtSecret,
            jwksUrl: auth.jwksUrl,
            allowNonExpiring: auth.allowNonExpiringTokens,
          })
        : null;
  }

  /**
   * Authenticates a token or publisher key. Publisher keys are accepted wherever tokens are (a backend may
   * also tail a channel). Rejects with `ERR_UNAUTHORIZED` or `ERR_TOKEN_EXPIRED`.
   */
  async authenticate(credential: string | undefined | null): Promise<Principal> {
    if (this.open) return OPEN_PRINCIPAL;
    if (!credential) throw new HeraldError(ErrorCode.Unauthorized, 'credentials required');
    const keyId = this.keys.identify(credential);
    if (keyId !== null) return keyPrincipal(keyId);
    if (this.verify === null) throw new HeraldError(ErrorCode.Unauthorized, 'invalid credentials');
    return this.verify(credential);
  }

  /** Verifies a replacement token for in-band refresh; it must name the same subject. */
  async refresh(current: Principal, token: string): Promise<Principal> {
    const next = await this.authenticate(token);
    if (next.sub !== current.sub)
      throw new HeraldError(ErrorCode.Unauthorized, 'refresh token has another sub');
    return next;
  }
}

/** Reads a Bearer credential from an `Authorization` header value. */
export function bearer(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}
