import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../src/auth/tokens.ts';
import { refusal } from './refusal.ts';

const audience = 'authenticated';
const now = new Date('2026-03-01T12:00:00Z');

describe('JWKS token verification', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  let publicJwk: Record<string, unknown>;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sign = (alg: 'RS256' | 'HS256', key: CryptoKey | Uint8Array, userId = randomUUID()) =>
    new SignJWT({})
      .setProtectedHeader({ alg, kid: 'k1' })
      .setSubject(userId)
      .setAudience(audience)
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 600)
      .sign(key);

  it('accepts an RS256 token signed by a key the JWKS publishes', async () => {
    const jwks = createTokenVerifier({ key: { kind: 'jwks', url: jwksUrl }, audience, clock: () => now });
    const userId = randomUUID();
    expect((await jwks.verify(await sign('RS256', privateKey, userId))).userId).toBe(userId);
  });

  it('refuses an HS256 token made with the public key as secret (algorithm confusion)', async () => {
    const jwks = createTokenVerifier({ key: { kind: 'jwks', url: jwksUrl }, audience, clock: () => now });
    const forged = await sign('HS256', new TextEncoder().encode(JSON.stringify(publicJwk)));
    expect(await refusal(jwks.verify(forged))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token is signed with an algorithm that is not accepted',
    });
  });
});
