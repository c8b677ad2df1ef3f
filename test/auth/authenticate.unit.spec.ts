import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/authenticate.ts';
import { createTokenVerifier, mintToken } from '../../src/auth/tokens.ts';

const secret = randomBytes(32).toString('base64url');
const audience = 'authenticated';

function setUp(start = new Date('2026-03-01T12:00:00Z')) {
  let now = start;
  const operators = new Set<string>();
  const clock = () => now;
  const authenticator = createAuthenticator({
    verifier: createTokenVerifier({ key: { kind: 'secret', secret }, audience, clock }),
    operators: { isOperator: (id) => Promise.resolve(operators.has(id)) },
    clock,
  });
  const token = (userId: string, ttlSeconds = 600) => mintToken({ secret, userId, audience, now, ttlSeconds });
  return { authenticator, operators, token, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe('authenticate', () => {
  it('treats a missing or empty Authorization as anonymous', async () => {
    const { authenticator } = setUp();
    expect(await authenticator.authenticate(undefined)).toBeUndefined();
    expect(await authenticator.authenticate('')).toBeUndefined();
  });

  it('refuses an Authorization that is not a bearer token', async () => {
    const { authenticator } = setUp();
    await expect(authenticator.authenticate('Basic dXNlcjpwYXNz')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(authenticator.authenticate('Bearer')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('accepts the scheme in any case and reads operators from the directory, not the token', async () => {
    const { authenticator, operators, token } = setUp();
    const userId = randomUUID();
    const header = `bearer ${await token(userId)}`;
    expect(await authenticator.authenticate(header)).toMatchObject({ id: userId, isOperator: false });
    operators.add(userId);
    expect(await authenticator.authenticate(header)).toMatchObject({ id: userId, isOperator: true });
  });

  it('rechecks a viewer: an expired token fails, a revoked operator loses the right', async () => {
    const { authenticator, operators, token, advance } = setUp();
    const userId = randomUUID();
    operators.add(userId);
    const viewer = await authenticator.authenticate(`Bearer ${await token(userId, 60)}`);
    operators.delete(userId);
    expect(await authenticator.recheck(viewer!)).toMatchObject({ isOperator: false });
    advance(61_000);
    await expect(authenticator.recheck(viewer!)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it("rechecks from the directory's cached answer without a promise, and asks it when it has none", async () => {
    const { authenticator, token } = setUp();
    const userId = randomUUID();
    const viewer = (await authenticator.authenticate(`Bearer ${await token(userId)}`))!;
    const cached = new Map<string, boolean>();
    const clock = () => new Date('2026-03-01T12:00:00Z');
    const cachedAuthenticator = createAuthenticator({
      verifier: createTokenVerifier({ key: { kind: 'secret', secret }, audience, clock }),
      operators: { isOperator: () => Promise.resolve(true), cachedIsOperator: (id) => cached.get(id) },
      clock,
    });
    // Nothing cached: the directory is asked (a promise).
    const asked = cachedAuthenticator.recheck(viewer);
    expect(asked).toBeInstanceOf(Promise);
    expect(await asked).toMatchObject({ isOperator: true });
    cached.set(userId, false);
    expect(cachedAuthenticator.recheck(viewer)).toBe(viewer);
    cached.set(userId, true);
    expect(cachedAuthenticator.recheck(viewer)).toEqual({ ...viewer, isOperator: true });
  });
});
