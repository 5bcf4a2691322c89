import { ErrorCode } from '@herald/protocol';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestToken, startTestHub, type TestHub } from '../src/index.js';

const secret = 'test-secret-for-herald';

describe('createTestToken', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ auth: { jwtSecret: secret } });
    await hub.publish('run:1', [{ type: 'start', data: null }]);
  });
  afterAll(async () => {
    await hub.close();
  });

  const read = (channel: string, token: string) =>
    fetch(`${hub.url}/v1/channels/${channel}/events`, { headers: { authorization: `Bearer ${token}` } });
  const errorCode = async (response: Response) =>
    ((await response.json()) as { error: { code: string } }).error.code;

  it('signs the claims the hub reads', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await createTestToken({
      secret,
      sub: 'alice',
      subChannels: ['run:*'],
      pubChannels: ['run:1'],
      expiresInSec: 60,
    });
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    const claims = decodeJwt(token);
    expect(claims.sub).toBe('alice');
    expect(claims.sub_channels).toEqual(['run:*']);
    expect(claims.pub_channels).toEqual(['run:1']);
    expect(claims.exp).toBeGreaterThanOrEqual(before + 60);
  });

  it('defaults to a one-hour token for test-user on every channel', async () => {
    const claims = decodeJwt(await createTestToken({ secret }));
    expect(claims.sub).toBe('test-user');
    expect(claims.sub_channels).toEqual(['*']);
    expect(claims.pub_channels).toEqual(['*']);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
  });

  it('omits exp when expiresInSec is null', async () => {
    expect(decodeJwt(await createTestToken({ secret, expiresInSec: null })).exp).toBeUndefined();
  });

  it('is accepted by a hub with the same secret', async () => {
    const response = await read('run:1', await createTestToken({ secret, subChannels: ['run:*'] }));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { last_seq: number }).last_seq).toBe(1);
  });

  it('limits reads to its sub_channels', async () => {
    const response = await read('run:1', await createTestToken({ secret, subChannels: ['job:*'] }));
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe(ErrorCode.Forbidden);
  });

  it('makes expired tokens with a negative lifetime', async () => {
    const response = await read('run:1', await createTestToken({ secret, expiresInSec: -60 }));
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe(ErrorCode.TokenExpired);
  });

  it('is rejected by a hub with another secret', async () => {
    const response = await read('run:1', await createTestToken({ secret: 'some-other-secret' }));
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe(ErrorCode.Unauthorized);
  });
});
