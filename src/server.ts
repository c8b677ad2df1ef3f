/**
 * `npm start`: reads the configuration once, opens the runtime (embedded PostgreSQL when no
 * DATABASE_URL, migrations, event store, read model, projector), serves the app and, on
 * SIGTERM/SIGINT, shuts down in order: stop accepting, finish in-flight requests, end
 * subscriptions, then background work, projector, event store, pools and the database.
 */
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { devSignInUrl, devTokens } from './app/devUsers.ts';
import { environmentWithDotEnv } from './envFile.ts';
import { openRuntime, type Runtime, type RuntimeLog } from './app/runtime.ts';
import { buildApp } from './http/app.ts';

/** How long shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 20_000;

function readConfig(): Config {
  try {
    return loadConfig(environmentWithDotEnv());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Cannot start: the configuration has ${error.problems.length} problem(s):\n`);
    for (const problem of error.problems) process.stderr.write(`  - ${problem}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  let app: FastifyInstance | undefined;
  const log: RuntimeLog = {
    info: (message) => (app ? app.log.info(message) : process.stderr.write(`${message}\n`)),
    error: (details, message) =>
      app
        ? app.log.error(details, message)
        : process.stderr.write(`${message}: ${String((details as { err?: unknown }).err)}\n`),
  };
  const runtime = await openRuntime(config, log);
  try {
    app = await buildApp(runtime.appDeps());
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const running = app;
  closeWithGrace({ delay: SHUTDOWN_GRACE_MS, logger: running.log }, async ({ signal, err }) => {
    if (err) running.log.error({ err }, 'shutting down after an unexpected error');
    else running.log.info(`${signal ?? 'close'} received: shutting down`);
    await running.close();
    await runtime.close();
  });

  try {
    await running.listen({ host: config.host, port: config.port });
  } catch (error) {
    // E.g. the port is taken: nothing was served, so close at once and report.
    await running.close();
    await runtime.close();
    throw error;
  }
  const port = (running.server.address() as { port: number }).port;
  const localHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const base = `http://${localHost.includes(':') ? `[${localHost}]` : localHost}:${port}`;
  runtime.listening(base);
  await printWelcome(base, runtime);
}

async function printWelcome(base: string, runtime: Runtime): Promise<void> {
  const lines = [
    '',
    `Production orders is listening on ${base}`,
    `  GraphQL   ${base}/graphql   (GraphiQL in a browser; subscriptions over SSE and WebSocket)`,
    `  REST      ${base}/api/production   (OpenAPI, with examples to try: ${base}/docs)`,
    `  Pages     ${base}/orders   operators: ${base}/ops/orders   (sign-in links below in development)`,
    `  Health    ${base}/healthz   ready: ${base}/readyz   metrics: ${base}/metrics`,
    runtime.payments.simulated
      ? `  Payments  simulated: the checkout is this server's own page, no money moves; other Stripe events: npm run cli -- stripe send <event> <order>`
      : `  Payments  Stripe${runtime.config.stripeApiBase ? ` at ${runtime.config.stripeApiBase}` : ''}`,
    `  Database  ${runtime.embeddedDatabase ? `embedded PostgreSQL in ${runtime.config.dataDir}/postgres` : 'DATABASE_URL'}; events in ${runtime.eventStore.kind}; projector ${runtime.config.projector ? 'on' : 'off'}`,
  ];
  const { auth, config } = runtime;
  if (auth.devSecret && auth.key.kind === 'secret') {
    const tokens = await devTokens({
      dataDir: config.dataDir,
      secret: auth.key.secret,
      audience: config.auth.audience,
      issuer: config.auth.issuer,
      maxLifetimeSeconds: config.auth.maxTokenLifetimeSeconds,
      operators: auth.operators,
    });
    lines.push(
      '',
      `Development tokens (signed with the dev secret in ${config.dataDir}/dev-jwt-secret, valid 12 hours).`,
      'Paste one into GraphiQL\'s "Headers" tab; `npm run cli -- token <userId>` mints more.',
      `  operator ${tokens.operatorId}`,
      `    {"Authorization": "Bearer ${tokens.operatorToken}"}`,
      `  customer ${tokens.customerId}`,
      `    {"Authorization": "Bearer ${tokens.customerToken}"}`,
      '',
      'Or sign in to the pages with a link (the token stays in the URL fragment):',
      `  customer  ${devSignInUrl(base, tokens.customerToken, '/orders')}`,
      `  operator  ${devSignInUrl(base, tokens.operatorToken, '/ops/orders')}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
