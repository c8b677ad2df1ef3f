import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopbackHost, loadConfig } from '../../src/config.ts';

const STRIPE = { STRIPE_SECRET_KEY: 'sk_test_123', STRIPE_WEBHOOK_SECRET: 'whsec_123' };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('choosing how payments run (PAYMENTS)', () => {
  it('runs simulated payments on a loopback HOST without a Stripe key, and says so', () => {
    expect(loadConfig({}).payments).toBe('simulated');
    for (const host of [
      '127.0.0.1',
      '127.8.9.10',
      'localhost',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
    ]) {
      expect(loadConfig({ HOST: host }), host).toMatchObject({ payments: 'simulated', stripe: undefined });
    }
  });

  it('runs Stripe whenever a Stripe key is set', () => {
    expect(loadConfig({ ...STRIPE, HOST: '0.0.0.0' })).toMatchObject({
      payments: 'stripe',
      stripe: { secretKey: 'sk_test_123', webhookSecret: 'whsec_123' },
    });
    expect(loadConfig({ ...STRIPE, PAYMENTS: 'stripe' }).payments).toBe('stripe');
  });

  it('refuses to start reachable from other machines without a Stripe key unless PAYMENTS=simulated says so', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'orders.example.com', '128.0.0.1']) {
      const problems = problemsOf({ HOST: host });
      expect(problems, host).toEqual([
        expect.stringMatching(
          new RegExp(`^PAYMENTS: HOST ${host.replace(/\./g, '\\.')} is not a loopback address .*PAYMENTS=simulated`),
        ),
      ]);
    }
    expect(loadConfig({ HOST: '0.0.0.0', PAYMENTS: 'simulated' })).toMatchObject({
      payments: 'simulated',
      stripe: undefined,
    });
  });

  it('refuses PAYMENTS=stripe without a key, and a simulated choice beside a key', () => {
    expect(problemsOf({ PAYMENTS: 'stripe' })).toEqual(['STRIPE_SECRET_KEY: is required when PAYMENTS=stripe']);
    expect(problemsOf({ ...STRIPE, PAYMENTS: 'simulated' })).toEqual([
      expect.stringMatching(/^PAYMENTS: is simulated but STRIPE_SECRET_KEY is set/),
    ]);
    expect(problemsOf({ PAYMENTS: 'paypal' })).toEqual([expect.stringMatching(/^PAYMENTS: /)]);
  });

  it('refuses a STRIPE_WEBHOOK_SECRET without STRIPE_SECRET_KEY instead of ignoring it', () => {
    expect(problemsOf({ STRIPE_WEBHOOK_SECRET: 'whsec_123' })).toEqual([
      'STRIPE_WEBHOOK_SECRET: is set without STRIPE_SECRET_KEY; set both for Stripe, or neither',
    ]);
  });

  it('lists every problem at once, the payment ones with the others', () => {
    const problems = problemsOf({
      HOST: '0.0.0.0',
      STRIPE_WEBHOOK_SECRET: 'whsec_123',
      EVENT_STORE: 'eventstoredb',
      ID_SECRET: 'short',
    });
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ID_SECRET: /),
        expect.stringMatching(/^EVENTSTORE_CONNECTION_STRING: /),
        expect.stringMatching(/^STRIPE_WEBHOOK_SECRET: is set without STRIPE_SECRET_KEY/),
        expect.stringMatching(/^PAYMENTS: HOST 0\.0\.0\.0 is not a loopback address/),
      ]),
    );
  });

  it('takes ID_SECRET as the id secret, else leaves it to the database', () => {
    expect(loadConfig({}).idSecret).toBeUndefined();
    expect(loadConfig({ ID_SECRET: 'x'.repeat(32) }).idSecret).toBe('x'.repeat(32));
  });
});

describe('docker-compose.yml', () => {
  it('starts the app on 0.0.0.0 with simulated payments chosen out loud', () => {
    const compose = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
    const appSection = compose.slice(compose.indexOf('\n  app:'));
    const environment = appSection.slice(appSection.indexOf('environment:'), appSection.indexOf('\n    ports:'));
    // `KEY: value` or `KEY: ${KEY:-default}`, as compose reads them with nothing set outside.
    const env = Object.fromEntries(
      [...environment.matchAll(/^\s{6}([A-Z_]+): (.*)$/gm)].map(([, key, value]) => [
        key!,
        value!.replace(/^\$\{[A-Z_]+:-(.*)\}$/, '$1'),
      ]),
    );
    expect(env).toMatchObject({ HOST: '0.0.0.0', PAYMENTS: 'simulated', STRIPE_SECRET_KEY: '' });
    expect(loadConfig(env)).toMatchObject({ host: '0.0.0.0', payments: 'simulated', stripe: undefined });
    const { PAYMENTS: _chosen, ...withoutChoice } = env;
    expect(problemsOf(withoutChoice)).toEqual([
      expect.stringMatching(/^PAYMENTS: HOST 0\.0\.0\.0 is not a loopback address/),
    ]);
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback addresses from the others', () => {
    expect(
      ['127.0.0.1', '127.255.255.254', 'LOCALHOST', '::1', '[::1]', '::0:1', '::ffff:127.1.2.3'].map(isLoopbackHost),
    ).toEqual(Array(7).fill(true));
    expect(
      [
        '0.0.0.0',
        '::',
        '::2',
        '1::1',
        '192.168.1.1',
        '::ffff:10.0.0.1',
        'localhost.example.com',
        '127.0.0.1.example.com',
        '',
      ].map(isLoopbackHost),
    ).toEqual(Array(9).fill(false));
  });
});
