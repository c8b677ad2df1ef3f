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
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AUTH_JWT_ISSUER: is required/), expect.stringMatching(/^PORT/)]),
    );
  });

  it('requires AUTH_JWT_ISSUER with AUTH_JWKS_URL', () => {
    expect(problemsOf({ AUTH_JWKS_URL: 'https://auth.example/jwks.json' })).toEqual([
      expect.stringMatching(/^AUTH_JWT_ISSUER: is required/),
    ]);
  });

  it('needs no issuer in development, with the generated dev secret', () => {
    expect(loadConfig({}).auth).toMatchObject({ jwtSecret: undefined, jwksUrl: undefined, issuer: undefined });
  });

  it('bounds token lifetimes to 24 hours unless told otherwise', () => {
    expect(
      loadConfig({ AUTH_JWT_SECRET: SECRET, AUTH_JWT_ISSUER: 'https://auth.example/v1' }).auth.maxTokenLifetimeSeconds,
    ).toBe(86_400);
    expect(loadConfig({ AUTH_MAX_TOKEN_LIFETIME: '3600' }).auth.maxTokenLifetimeSeconds).toBe(3600);
    expect(problemsOf({ AUTH_MAX_TOKEN_LIFETIME: 'forever' })).toEqual([
      expect.stringMatching(/^AUTH_MAX_TOKEN_LIFETIME/),
    ]);
  });
});

describe('every problem at once', () => {
  it('lists a bad PORT with the cross-field problems (EVENT_STORE without its connection string, a webhook secret without a key) in one start', () => {
    const problems = problemsOf({ PORT: 'http', EVENT_STORE: 'eventstoredb', STRIPE_WEBHOOK_SECRET: 'whsec_abc' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: /),
        'EVENTSTORE_CONNECTION_STRING: is required when EVENT_STORE=eventstoredb',
        expect.stringMatching(/^STRIPE_WEBHOOK_SECRET: is set without STRIPE_SECRET_KEY/),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('checks the timeouts against each other only when both parse', () => {
    expect(problemsOf({ DATABASE_QUERY_TIMEOUT_MS: 'soon' })).toEqual([
      expect.stringMatching(/^DATABASE_QUERY_TIMEOUT_MS: /),
    ]);
    expect(problemsOf({ DATABASE_QUERY_TIMEOUT_MS: '100', PORT: '-1' })).toEqual(
      expect.arrayContaining([
        'DATABASE_QUERY_TIMEOUT_MS: must be greater than DATABASE_STATEMENT_TIMEOUT_MS',
        expect.stringMatching(/^PORT: /),
      ]),
    );
  });
});

describe('the shop time zone', () => {
  it('counts in UTC unless told an IANA zone, and refuses a name it does not know', () => {
    expect(loadConfig({}).shopTimeZone).toBe('UTC');
    expect(loadConfig({ SHOP_TIME_ZONE: 'America/Denver' }).shopTimeZone).toBe('America/Denver');
    expect(problemsOf({ SHOP_TIME_ZONE: 'Mountain Time', PORT: 'x' })).toEqual(
      expect.arrayContaining([
        'SHOP_TIME_ZONE: must be an IANA time zone name, e.g. Europe/Paris or America/New_York',
        expect.stringMatching(/^PORT: /),
      ]),
    );
  });
});
