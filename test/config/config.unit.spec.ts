import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const SECRET = 'x'.repeat(40);

/** The problems a configuration is refused with, or none. */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('token configuration', () => {
  it('requires AUTH_JWT_ISSUER with AUTH_JWT_SECRET, listed with the other problems', () => {
    const problems = problemsOf({ AUTH_JWT_SECRET: SECRET, PORT: 'nope' });
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^AUTH_JWT_ISSUER: is required/), expect.stringMatching(/^PORT/)]));
  });

  it('requires AUTH_JWT_ISSUER with AUTH_JWKS_URL', () => {
    expect(problemsOf({ AUTH_JWKS_URL: 'https://auth.example/jwks.json' })).toEqual([expect.stringMatching(/^AUTH_JWT_ISSUER: is required/)]);
  });

  it('needs no issuer in development, with the generated dev secret', () => {
    expect(loadConfig({}).auth).toMatchObject({ jwtSecret: undefined, jwksUrl: undefined, issuer: undefined });
  });

  it('bounds token lifetimes to 24 hours unless told otherwise', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, AUTH_JWT_ISSUER: 'https://auth.example/v1' }).auth.maxTokenLifetimeSeconds).toBe(86_400);
    expect(loadConfig({ AUTH_MAX_TOKEN_LIFETIME: '3600' }).auth.maxTokenLifetimeSeconds).toBe(3600);
    expect(problemsOf({ AUTH_MAX_TOKEN_LIFETIME: 'forever' })).toEqual([expect.stringMatching(/^AUTH_MAX_TOKEN_LIFETIME/)]);
  });
});
