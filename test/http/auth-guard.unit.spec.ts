import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Authenticator } from '../../src/auth/authenticate.ts';
import { AppError } from '../../src/domain/errors.ts';
import { createAuthGuard } from '../../src/http/rateLimits.ts';

const GOOD = 'Bearer good';
const viewer = {
  id: '0b6f1b8e-5d55-4f0e-9a43-3f8d1f6c2a11',
  isOperator: false,
  expiresAt: undefined,
  credential: GOOD,
};
const authenticator: Authenticator = {
  authenticate: (credential) =>
    credential === undefined || credential === null
      ? Promise.resolve(undefined)
      : credential === GOOD
        ? Promise.resolve(viewer)
        : Promise.reject(new AppError('UNAUTHENTICATED', 'bad token')),
  recheck: (v) => v,
};

/**
 * Failed authentications per address, with the short way past the count (no failure anywhere
 * within the window: no look-up): an address over its budget stays refused for its whole
 * window, others are not, and once the window has passed it may sign in again.
 */
describe('the authentication guard', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-07T05:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses an address past its budget for the rest of its window, and only that address', async () => {
    const guard = createAuthGuard(authenticator, { max: 2, windowMs: 60_000 });
    await expect(guard.authenticate('203.0.113.7', GOOD)).resolves.toEqual(viewer);
    expect(guard.blocked('203.0.113.7')).toBe(false);
    for (let i = 0; i < 2; i++)
      await expect(guard.authenticate('203.0.113.7', 'Bearer bad')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(guard.blocked('203.0.113.7')).toBe(true);
    await expect(guard.authenticate('203.0.113.7', GOOD)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: 60 },
    });
    // The same client under its IPv4-mapped IPv6 address is the same address.
    await expect(guard.authenticate('::ffff:203.0.113.7', GOOD)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(guard.authenticate('203.0.113.8', GOOD)).resolves.toEqual(viewer);
    // No credential cannot fail authentication: never refused.
    await expect(guard.authenticate('203.0.113.7', undefined)).resolves.toBeUndefined();

    vi.setSystemTime(Date.now() + 59_999);
    expect(guard.blocked('203.0.113.7')).toBe(true);
    vi.setSystemTime(Date.now() + 1);
    expect(guard.blocked('203.0.113.7')).toBe(false);
    await expect(guard.authenticate('203.0.113.7', GOOD)).resolves.toEqual(viewer);
  });

  it("keeps an address refused while another address's later failure is recent", async () => {
    const guard = createAuthGuard(authenticator, { max: 1, windowMs: 60_000 });
    await expect(guard.authenticate('198.51.100.1', 'Bearer bad')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    vi.setSystemTime(Date.now() + 30_000);
    await expect(guard.authenticate('198.51.100.2', 'Bearer bad')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(guard.blocked('198.51.100.1')).toBe(true);
    vi.setSystemTime(Date.now() + 30_000);
    // The first address's window has passed; the second's has not.
    expect(guard.blocked('198.51.100.1')).toBe(false);
    expect(guard.blocked('198.51.100.2')).toBe(true);
  });

  it('refuses nothing with the limit off (max 0)', async () => {
    const guard = createAuthGuard(authenticator, { max: 0, windowMs: 60_000 });
    for (let i = 0; i < 5; i++)
      await expect(guard.authenticate('203.0.113.7', 'Bearer bad')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(guard.blocked('203.0.113.7')).toBe(false);
  });
});
