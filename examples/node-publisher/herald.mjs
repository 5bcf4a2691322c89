// Connection tokens for browsers. Publishing goes through createJobPublisher (@herald/client/jobs), in
// workflow.mjs and jobs.mjs; the hub's HTTP API is plain JSON, so any HTTP client would do as well.
import { SignJWT } from 'jose';

/**
 * Mints a short-lived HS256 connection token (docs/tokens.md) for one user.
 * @param {{ secret: string, sub: string, subChannels?: string[], pubChannels?: string[], ttlSeconds?: number }} o
 * @returns {Promise<string>}
 */
export function mintConnectionToken({ secret, sub, subChannels = [], pubChannels = [], ttlSeconds = 600 }) {
  if (!secret) throw new Error('mintConnectionToken: the hub secret (HERALD_JWT_SECRET) is empty');
  return new SignJWT({ sub_channels: subChannels, pub_channels: pubChannels })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
