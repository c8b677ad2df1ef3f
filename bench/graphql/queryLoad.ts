import pg from 'pg';
import { Pool } from 'undici';
import { findOrder } from '../../src/projections/index.ts';
import { runLoad } from '../support/load.ts';
import type { LoadShape, QueryReport, QueryTarget } from './protocol.ts';

interface Outcome {
  completed: number;
  errors: number;
  firstError?: string;
}

/** Every other request as the order's owner, the rest as the operator. */
const asOwner = (counter: number): boolean => counter % 2 === 0;
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/**
 * Closed loop of `order(id)` queries over HTTP/1.1 keep-alive: one undici pool of exactly
 * `concurrency` connections, so every worker has its own connection, as 100 browsers would.
 */
export async function queryLoad(
  request: { url: string; query: string; operatorToken: string; targets: readonly QueryTarget[] } & LoadShape,
): Promise<QueryReport> {
  const pool = new Pool(request.url, { connections: request.concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
  const outcome: Outcome = { completed: 0, errors: 0 };
  let counter = 0;
  // Made once: the load client shares the machine's two cores with the server it measures.
  const asks = request.targets.map((target) => ({
    target,
    body: JSON.stringify({ query: request.query, variables: { id: target.id } }),
    owner: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${target.ownerToken}`,
    },
    operator: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${request.operatorToken}`,
    },
  }));
  try {
    const result = await runLoad({
      ...request,
      operation: async () => {
        const { target, body, owner, operator } = pick(asks);
        const { statusCode, text } = await post(pool, body, asOwner(counter++) ? owner : operator);
        const answer = JSON.parse(text) as {
          data?: { order?: { id?: string; lineItems?: unknown[] } };
          errors?: unknown;
        };
        outcome.completed++;
        if (statusCode !== 200 || answer.data?.order?.id !== target.id || !answer.data.order.lineItems?.length) {
          failed(outcome, `HTTP ${statusCode}: ${text.slice(0, 300)}`);
        }
      },
    });
    return { kind: 'queries', ...result, ...outcome };
  } finally {
    await pool.close();
  }
}

/**
 * One POST through undici's dispatcher, the body gathered as it arrives. `pool.request` wrapped
 * every answer in a stream: a third of this client's CPU, on the cores the server is measured on.
 */
function post(
  pool: Pool,
  body: string,
  headers: Record<string, string>,
): Promise<{ statusCode: number; text: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let statusCode = 0;
    pool.dispatch(
      { path: '/graphql', method: 'POST', headers, body },
      {
        onConnect: () => undefined,
        onHeaders: (status) => {
          statusCode = status;
          return true;
        },
        onData: (chunk) => {
          chunks.push(chunk);
          return true;
        },
        onComplete: () => resolve({ statusCode, text: Buffer.concat(chunks).toString('utf8') }),
        onError: reject,
      },
    );
  });
}

/**
 * The peer: the same order row read straight from PostgreSQL with `pg`, through the very
 * statement the resolver runs (one SELECT with line items and timeline as JSON), owner-scoped
 * for the owner's half; no HTTP, no auth, no GraphQL. Its pool is as big as the server's.
 */
export async function peerLoad(
  request: { databaseUrl: string; poolSize: number; targets: readonly QueryTarget[] } & LoadShape,
): Promise<QueryReport> {
  const db = new pg.Pool({ connectionString: request.databaseUrl, max: request.poolSize });
  const outcome: Outcome = { completed: 0, errors: 0 };
  let counter = 0;
  try {
    const result = await runLoad({
      ...request,
      operation: async () => {
        const target = pick(request.targets);
        const view = await findOrder(db, target.id, asOwner(counter++) ? { ownerId: target.ownerId } : {});
        outcome.completed++;
        if (view?.id !== target.id) failed(outcome, `no row for ${target.id}`);
      },
    });
    return { kind: 'queries', ...result, ...outcome };
  } finally {
    await db.end();
  }
}

function failed(outcome: Outcome, message: string): void {
  outcome.errors++;
  outcome.firstError ??= message;
}
