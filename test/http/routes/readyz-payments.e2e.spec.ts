import { afterAll, describe, expect, it } from 'vitest';
import { openStack, type Stack } from '../../support/stack.ts';

describe('/readyz says which payments run', () => {
  const fixtures: Stack[] = [];
  afterAll(async () => {
    for (const fixture of fixtures) await fixture.close();
  });

  const readyz = async (env: Record<string, string>) => {
    const fixture = await openStack({ env });
    fixtures.push(fixture);
    const response = await fetch(`${fixture.servers[0]!.url}/readyz`);
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  it('reports simulated payments on a loopback server without Stripe keys', async () => {
    expect(await readyz({})).toMatchObject({ status: 'ready', payments: 'simulated' });
  });

  it('reports Stripe when the Stripe keys are set', async () => {
    expect(
      await readyz({
        STRIPE_SECRET_KEY: 'sk_test_readyz',
        STRIPE_WEBHOOK_SECRET: 'whsec_readyz',
        STRIPE_API_BASE: 'http://127.0.0.1:9',
      }),
    ).toMatchObject({ status: 'ready', payments: 'stripe' });
  });
});
