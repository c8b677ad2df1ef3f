import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.ts';
import { loadOrder } from '../../src/commands/order/orderStream.ts';
import { loadDevWebhookSecret } from '../../src/payments/devWebhookSecret.ts';
import { request } from '../support/http.ts';
import { openStack, ORDER_TOTAL_CENTS, orderBody, type Stack } from '../support/stack.ts';

describe('npm run cli -- stripe send (simulated payments, a running server)', () => {
  let fixture: Stack;
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    // Two server processes on one database: both must accept what the CLI signs.
    fixture = await openStack({ servers: 2 });
    // The CLI's own data dir: it shares the server's database, not its files.
    dataDir = await mkdtemp(join(tmpdir(), 'po-cli-stripe-'));
    await chmod(dataDir, 0o755);
    env = {
      DATABASE_URL: fixture.db.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      PUBLIC_BASE_URL: fixture.servers[0]?.url ?? '',
    };
  });
  afterAll(async () => {
    await fixture.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function cli(argv: string[], environment: Record<string, string> = env) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, environment, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const url = () => fixture.servers[0]?.url ?? '';

  async function placeOrder() {
    const token = await fixture.token(randomUUID());
    const created = await request(url(), 'POST', '/api/production', { token, body: orderBody() });
    expect(created.status).toBe(201);
    return { ...(created.body as { orderId: string; reference: string }), token };
  }
  /** The order as its owner reads it through the API, once the read model shows `until`. */
  async function shown(
    orderId: string,
    token: string,
    until: (order: { orderStatus: string; payment: { refundedCents: number; paidCents: number | null } }) => boolean,
  ) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const answer = await request(url(), 'GET', `/api/production/${orderId}`, { token });
      expect(answer.status).toBe(200);
      if (until(answer.body.order) || Date.now() > deadline)
        return answer.body.order as {
          orderStatus: string;
          payment: { refundedCents: number; paidCents: number | null };
        };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const stateOf = async (orderId: string) => (await loadOrder(fixture.first.runtime.eventStore, orderId)).state;

  it('pays a draft, refunds it, flags a failed refund and a dispute, each through the signed webhook, and says what happened', async () => {
    const order = await placeOrder();

    const paid = await cli(['stripe', 'send', 'checkout.session.completed', order.orderId]);
    expect(paid).toMatchObject({ code: 0, err: '' });
    expect(paid.out).toMatch(
      new RegExp(
        `^checkout\\.session\\.completed evt_sim_cli_\\w+ for order ${order.reference} \\(${order.orderId}\\): applied: PaymentConfirmed`,
      ),
    );
    expect(await shown(order.orderId, order.token, (o) => o.orderStatus === 'submitted')).toMatchObject({
      orderStatus: 'submitted',
      payment: { paidCents: ORDER_TOTAL_CENTS },
    });

    const again = await cli(['stripe', 'send', 'checkout.session.completed', order.reference]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/: ignored: already applied: the order has nothing to change$/);

    const refunded = await cli(['stripe', 'send', 'charge.refunded', order.orderId, '--amount', '1000']);
    expect(refunded.out).toMatch(/charge\.refunded .*: applied: RefundRecorded$/);
    expect(
      (await shown(order.orderId, order.token, (o) => o.payment.refundedCents === 1000)).payment.refundedCents,
    ).toBe(1000);
    const rest = await cli(['stripe', 'send', 'charge.refunded', order.orderId]);
    expect(rest.out).toMatch(/: applied: RefundRecorded$/);
    expect(
      (await shown(order.orderId, order.token, (o) => o.payment.refundedCents === ORDER_TOTAL_CENTS)).payment
        .refundedCents,
    ).toBe(ORDER_TOTAL_CENTS);
    expect((await cli(['stripe', 'send', 'charge.refunded', order.orderId])).out).toMatch(/: ignored: already applied/);

    const failed = await cli(['stripe', 'send', 'refund.failed', order.orderId]);
    expect(failed.out).toMatch(/refund\.failed .*: applied: RefundFailed$/);
    const afterFailure = await stateOf(order.orderId);
    expect(afterFailure?.refundFailure).toEqual({ reason: 'expired_or_canceled_card' });
    // The refund the simulated gateway answers a refund request with: the one that failed.
    expect([...(afterFailure?.failedRefundIds ?? [])]).toEqual([`re_sim_${order.orderId}`]);
    expect((await cli(['stripe', 'send', 'refund.failed', order.orderId])).out).toMatch(/: ignored: already applied/);

    const disputed = await cli(['stripe', 'send', 'charge.dispute.created', order.orderId]);
    expect(disputed.out).toMatch(/charge\.dispute\.created .*: applied: DisputeOpened$/);
    expect((await stateOf(order.orderId))?.dispute).toMatchObject({ status: 'needs_response', open: true });
    const reviewed = await cli(['stripe', 'send', 'charge.dispute.updated', order.orderId]);
    expect(reviewed.out).toMatch(/charge\.dispute\.updated .*: applied: DisputeUpdated$/);
    expect((await stateOf(order.orderId))?.dispute).toMatchObject({ status: 'under_review', open: true });
    const won = await cli(['stripe', 'send', 'charge.dispute.closed', order.orderId, '--status=won']);
    expect(won.out).toMatch(/: applied: DisputeClosed$/);
    expect((await stateOf(order.orderId))?.dispute).toMatchObject({ status: 'won', open: false });
  });

  it('cancels a draft whose session expired, and then ignores a payment for it with the reason', async () => {
    const order = await placeOrder();
    const expired = await cli(['stripe', 'send', 'checkout.session.expired', order.reference]);
    expect(expired).toMatchObject({ code: 0 });
    expect(expired.out).toMatch(/checkout\.session\.expired .*: applied: OrderCanceled$/);
    expect((await shown(order.orderId, order.token, (o) => o.orderStatus === 'canceled')).orderStatus).toBe('canceled');
    expect((await cli(['stripe', 'send', 'checkout.session.expired', order.orderId])).out).toMatch(/: ignored: /);
    const late = await cli(['stripe', 'send', 'checkout.session.async_payment_succeeded', order.orderId]);
    expect(late.out).toMatch(/: ignored: ILLEGAL_TRANSITION: /);
  });

  it("signs with the installation secret every server process shares, so another process takes the CLI's events too", async () => {
    const [first, second] = fixture.servers;
    const secret = await loadDevWebhookSecret(fixture.db.pool);
    expect(secret).toMatch(/^whsec_dev_[A-Za-z0-9_-]{43}$/);
    expect(first?.runtime.payments.webhookSecrets).toEqual([secret]);
    expect(second?.runtime.payments.webhookSecrets).toEqual([secret]);
    const order = await placeOrder();
    const paid = await cli(['stripe', 'send', 'checkout.session.completed', order.orderId], {
      ...env,
      PUBLIC_BASE_URL: second?.url ?? '',
    });
    expect(paid.out).toMatch(/: applied: PaymentConfirmed$/);
  });

  it('refuses with real payments, an unknown order, a server that is not there, and bad arguments', async () => {
    const order = await placeOrder();
    const real = await cli(['stripe', 'send', 'checkout.session.completed', order.orderId], {
      ...env,
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
    });
    expect(real.code).toBe(1);
    expect(real.err).toContain('stripe trigger');

    const unknown = await cli(['stripe', 'send', 'checkout.session.completed', randomUUID()]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no order has id or reference');
    expect((await cli(['stripe', 'send', 'charge.refunded', 'PO-NOPE'])).code).toBe(1);

    const away = await cli(['stripe', 'send', 'checkout.session.completed', order.orderId], {
      ...env,
      PUBLIC_BASE_URL: 'http://127.0.0.1:9',
    });
    expect(away.code).toBe(1);
    expect(away.err).toContain('the server is not reachable at http://127.0.0.1:9/api/stripe/webhook');
    expect((await stateOf(order.orderId))?.payment).toBeNull();

    for (const argv of [
      ['stripe', 'send', 'payment_intent.succeeded', order.orderId],
      ['stripe', 'send', 'charge.refunded'],
      ['stripe', 'send', 'charge.refunded', order.orderId, '--amount', 'ten'],
      ['stripe', 'send', 'charge.dispute.created', order.orderId, '--status', 'won'],
      ['stripe', 'send', 'charge.dispute.closed', order.orderId, '--status', 'maybe'],
      ['stripe', 'send', 'charge.refunded', order.orderId, '--amount'],
      ['token', randomUUID(), '--amount', '5'],
    ]) {
      const refused = await cli(argv);
      expect({ argv, code: refused.code }).toEqual({ argv, code: 2 });
    }
  });
});
