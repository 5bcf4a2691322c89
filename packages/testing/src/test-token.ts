import { SignJWT } from 'jose';

/** Options for {@link createTestToken}. */
export interface TestTokenOptions {
  /** The hub's HS256 secret (`auth.jwtSecret`). */
  secret: string;
  /**
   * The token's subject (the user).
   * @default 'test-user'
   */
  sub?: string;
  /**
   * Channel patterns the token may subscribe to (`sub_channels`), `*` matching any run of characters.
   * @default ['*']
   */
  subChannels?: readonly string[];
  /**
   * Channel patterns the token may publish to (`pub_channels`).
   * @default ['*']
   */
  pubChannels?: readonly string[];
  /**
   * Lifetime in seconds from now; negative makes an already expired token, `null` one with no `exp`
   * (accepted only by hubs with `allowNonExpiringTokens`).
   * @default 3600
   */
  expiresInSec?: number | null;
}

/**
 * Signs an HS256 connection token with the claims the hub reads (`sub`, `exp`, `sub_channels`,
 * `pub_channels`), for tests of hubs started with `auth: { jwtSecret }`.
 *
 * @example
 * ```ts
 * const hub = await startTestHub({ auth: { jwtSecret: 'test-secret' } });
 * const token = await createTestToken({ secret: 'test-secret', subChannels: ['run:*'], expiresInSec: 60 });
 * ```
 */
export async function createTestToken(options: TestTokenOptions): Promise<string> {
  const {
    secret,
    sub = 'test-user',
    subChannels = ['*'],
    pubChannels = ['*'],
    expiresInSec = 3600,
  } = options;
  const nowSec = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ sub_channels: [...subChannels], pub_channels: [...pubChannels] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt(nowSec);
  if (expiresInSec !== null) jwt.setExpirationTime(nowSec + expiresInSec);
  return jwt.sign(new TextEncoder().encode(secret));
}
