import { ErrorCode, HeraldError } from '@herald/protocol';
import { parse as parseCookies } from 'hono/utils/cookie';
import type { AuthOptions } from '../config.js';
import { ApiKeys } from './api-keys.js';
import { createJwtVerifier, type TokenVerifier } from './jwt.js';
import { OriginPolicy } from './origins.js';
import { keyPrincipal, OPEN_PRINCIPAL, type Principal } from './principal.js';

/**
 * Turns a credential (connection token or publisher key) into a {@link Principal}, and holds the rules of
 * where credentials come from: the session cookie and the browser origins allowed to send them.
 */
export class Authenticator {
  /** Which browser origins may connect and call `/v1/*` (the WebSocket upgrade and every HTTP route). */
  readonly origins: OriginPolicy;
  private readonly keys: ApiKeys;
  private readonly verify: TokenVerifier | null;
  private readonly cookie: string | undefined;

  /**
   * @param open - Open dev hub: every caller gets {@link OPEN_PRINCIPAL}.
   * @param allowedOrigins - The normalized allow-list, or `null` for the default (`ResolvedConfig`).
   */
  constructor(
    readonly open: boolean,
    auth: AuthOptions | undefined,
    allowedOrigins: readonly string[] | null = null,
  ) {
    // The session cookie is ignored on an open dev hub, where no credential is read at all.
    this.cookie = open ? undefined : auth?.sessionCookie;
    this.origins = new OriginPolicy(open, allowedOrigins, this.cookie !== undefined);
    this.keys = new ApiKeys(auth?.publisherKeys ?? []);
    this.verify =
      auth?.jwtSecret || auth?.jwksUrl
        ? createJwtVerifier({
            secret: auth.jwtSecret,
            jwksUrl: auth.jwksUrl,
            allowNonExpiring: auth.allowNonExpiringTokens,
            audience: auth.audience,
            issuer: auth.issuer,
            clockToleranceSec: auth.clockToleranceSec,
          })
        : null;
  }

  /**
   * Authenticates a token or publisher key. Publisher keys are accepted wherever tokens are (a backend may
   * also tail a channel). Rejects with `ERR_UNAUTHORIZED` (also for a token's wrong `aud` or `iss`) or
   * `ERR_TOKEN_EXPIRED`.
   */
  async authenticate(credential: string | undefined | null): Promise<Principal> {
    if (this.open) return OPEN_PRINCIPAL;
    if (!credential) throw new HeraldError(ErrorCode.Unauthorized, 'credentials required');
    const key = this.keys.identify(credential);
    if (key !== null) return keyPrincipal(key.id, key.channels);
    if (this.verify === null) throw new HeraldError(ErrorCode.Unauthorized, 'invalid credentials');
    return this.verify(credential);
  }

  /**
   * The connection token in the session cookie of a `Cookie` header, when the hub has `auth.sessionCookie`
   * (read on the WebSocket upgrade and on HTTP reads; an explicit token wins over it).
   */
  sessionToken(cookieHeader: string | undefined | null): string | undefined {
    if (this.cookie === undefined || !cookieHeader) return undefined;
    return parseCookies(cookieHeader, this.cookie)[this.cookie] || undefined;
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
