import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier, mintToken } from '../../src/auth/tokens.ts';
import { refusal } from './refusal.ts';

const secret = randomBytes(32).toString('base64url');
const audience = 'authenticated';
const now = new Date('2026-03-01T12:00:00Z');
const verifier = createTokenVerifier({ key: { kind: 'secret', secret }, audience, clock: () => now });

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('HS256 token verification', () => {
  it('accepts a token it minted and returns the subject and expiry', async () => {
    const userId = randomUUID();
    const token = await mintToken({ secret, userId, audience, now });
    expect(await verifier.verify(token)).toEqual({ userId, expiresAt: new Date(now.getTime() + 12 * 3600 * 1000) });
  });

  it('refuses an expired token', async () => {
    const token = await mintToken({
      secret,
      userId: randomUUID(),
      audience,
      now: new Date(now.getTime() - 13 * 3600 * 1000),
    });
    expect(await refusal(verifier.verify(token))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token has expired',
    });
  });

  it('refuses a token signed with another secret', async () => {
    const token = await mintToken({
      secret: randomBytes(32).toString('base64url'),
      userId: randomUUID(),
      audience,
      now,
    });
    expect(await refusal(verifier.verify(token))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token signature is not valid',
    });
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const exp = Math.floor(now.getTime() / 1000) + 600;
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: randomUUID(), aud: audience, exp })}.`;
    expect((await refusal(verifier.verify(token))).code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token for another audience', async () => {
    const token = await mintToken({ secret, userId: randomUUID(), audience: 'anon', now });
    expect(await refusal(verifier.verify(token))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token\'s "aud" claim is not accepted',
    });
  });

  it('checks the issuer only when one is configured', async () => {
    const withIssuer = createTokenVerifier({
      key: { kind: 'secret', secret },
      audience,
      issuer: 'https://auth.example/v1',
      clock: () => now,
    });
    const foreign = await mintToken({
      secret,
      userId: randomUUID(),
      audience,
      issuer: 'https://elsewhere.example',
      now,
    });
    expect((await refusal(withIssuer.verify(foreign))).message).toBe('The token\'s "iss" claim is not accepted');
    expect((await verifier.verify(foreign)).userId).toMatch(/-/);
  });

  it('refuses a subject that is not a uuid', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('admin')
      .setAudience(audience)
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 600)
      .sign(new TextEncoder().encode(secret));
    expect((await refusal(verifier.verify(token))).message).toContain('uuid');
  });

  it('refuses a token without an expiry', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(randomUUID())
      .setAudience(audience)
      .sign(new TextEncoder().encode(secret));
    expect((await refusal(verifier.verify(token))).code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token living longer than the configured maximum, counted from now or from its iat', async () => {
    const hour = createTokenVerifier({
      key: { kind: 'secret', secret },
      audience,
      clock: () => now,
      maxLifetimeSeconds: 3600,
    });
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const sign = (claims: { iat: number; exp: number }) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(randomUUID())
        .setAudience(audience)
        .setIssuedAt(claims.iat)
        .setExpirationTime(claims.exp)
        .sign(new TextEncoder().encode(secret));
    expect((await refusal(hour.verify(await sign({ iat: nowSeconds, exp: nowSeconds + 3601 })))).message).toBe(
      'The token lives longer than the 3600 seconds this server accepts (its "exp" is too far ahead)',
    );
    expect((await refusal(hour.verify(await sign({ iat: nowSeconds - 7200, exp: nowSeconds + 60 })))).code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await hour.verify(await sign({ iat: nowSeconds, exp: nowSeconds + 3600 }))).expiresAt).toEqual(
      new Date((nowSeconds + 3600) * 1000),
    );
    // The default bound (24 h) admits the 12-hour development tokens.
    expect((await verifier.verify(await mintToken({ secret, userId: randomUUID(), audience, now }))).userId).toMatch(
      /-/,
    );
  });

  it('refuses garbage', async () => {
    expect((await refusal(verifier.verify('not.a.jwt'))).code).toBe('UNAUTHENTICATED');
  });
});
