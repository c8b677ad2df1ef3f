import { randomBytes, randomUUID } from 'node:crypto';
import type * as Jose from 'jose';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { refusal } from './refusal.ts';

// Count the full (jose) verifications, so a cache hit is visible as "no new call".
const joseVerify = vi.hoisted(() => ({ calls: 0 }));
vi.mock('jose', async (importOriginal) => {
  const jose = await importOriginal<typeof Jose>();
  return {
    ...jose,
    jwtVerify: (...args: Parameters<typeof jose.jwtVerify>) => {
      joseVerify.calls += 1;
      return jose.jwtVerify(...args);
    },
  };
});

const { createTokenVerifier, mintToken } = await import('../../src/auth/tokens.ts');

const secret = randomBytes(32).toString('base64url');
const audience = 'authenticated';
const start = new Date('2026-03-01T12:00:00Z');
let now = start;
const clock = () => now;

/** Replaces one character of a token part (0 header, 1 payload, 2 signature) with another valid base64url one. */
function tamper(token: string, part: number): string {
  const parts = token.split('.');
  const text = parts[part] ?? '';
  const at = Math.floor(text.length / 2);
  parts[part] = text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
  return parts.join('.');
}

describe('the verified-token cache', () => {
  beforeEach(() => {
    now = start;
    joseVerify.calls = 0;
  });

  it('answers a token it already verified without verifying it again, with the same result', async () => {
    const verifier = createTokenVerifier({ key: { kind: 'secret', secret }, audience, clock });
    const userId = randomUUID();
    const token = await mintToken({ secret, userId, audience, now, ttlSeconds: 60 });
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toEqual(first);
    expect(first).toEqual({ userId, expiresAt: new Date(start.getTime() + 60_000) });
    expect(joseVerify.calls).toBe(1);
  });

  it('refuses a cached token once the clock reaches its expiry', async () => {
    const verifier = createTokenVerifier({ key: { kind: 'secret', secret }, audience, clock });
    const token = await mintToken({ secret, userId: randomUUID(), audience, now, ttlSeconds: 60 });
    await verifier.verify(token);
    now = new Date(start.getTime() + 59_999);
    expect((await verifier.verify(token)).userId).toMatch(/-/);
    expect(joseVerify.calls).toBe(1);
    now = new Date(start.getTime() + 60_000);
    expect(await refusal(verifier.verify(token))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token has expired',
    });
    // Still refused (and checked in full) when asked again: the expired entry is gone.
    expect(await refusal(verifier.verify(token))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token has expired',
    });
    expect(joseVerify.calls).toBe(3);
  });

  it.each([
    ['header', 0],
    ['payload', 1],
    ['signature', 2],
  ])('never answers a token with a tampered %s from the cache', async (_name, part) => {
    const verifier = createTokenVerifier({ key: { kind: 'secret', secret }, audience, clock });
    const token = await mintToken({ secret, userId: randomUUID(), audience, now });
    await verifier.verify(token);
    const tampered = tamper(token, part);
    expect(tampered).not.toBe(token);
    expect((await refusal(verifier.verify(tampered))).code).toBe('UNAUTHENTICATED');
    expect((await refusal(verifier.verify(tampered))).code).toBe('UNAUTHENTICATED');
    expect(joseVerify.calls).toBe(3);
  });

  it('does not remember a refused token', async () => {
    const verifier = createTokenVerifier({ key: { kind: 'secret', secret }, audience, clock });
    const foreign = await mintToken({ secret, userId: randomUUID(), audience: 'anon', now });
    await refusal(verifier.verify(foreign));
    await refusal(verifier.verify(foreign));
    expect(joseVerify.calls).toBe(2);
  });

  it('forgets the least recently used token when full', async () => {
    const verifier = createTokenVerifier({ key: { kind: 'secret', secret }, audience, clock, cacheSize: 2 });
    const [a, b, c] = await Promise.all(
      [1, 2, 3].map(() => mintToken({ secret, userId: randomUUID(), audience, now })),
    );
    for (const token of [a, b, a, c]) await verifier.verify(token!);
    expect(joseVerify.calls).toBe(3);
    await verifier.verify(a!);
    expect(joseVerify.calls).toBe(3);
    await verifier.verify(b!);
    expect(joseVerify.calls).toBe(4);
  });
});
