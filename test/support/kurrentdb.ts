import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, StreamNotFoundError } from '@eventstore/db-client';
import type * as Testcontainers from 'testcontainers';

/**
 * Where the EventStoreDB adapter's integration tests find a server:
 * 1. `EVENTSTORE_CONNECTION_STRING` (e.g. `esdb://127.0.0.1:2113?tls=false`, from `docker compose up kurrentdb`);
 * 2. else a throwaway KurrentDB container through testcontainers, when a container runtime answers;
 * 3. else nowhere: the suite is skipped, with the reason. There is no fake server.
 * `KURRENTDB_IMAGE` picks another image (e.g. `eventstore/eventstore:24.10`).
 */
export type KurrentDbTarget =
  | { readonly kind: 'external'; readonly description: string; start(): Promise<KurrentDbServer> }
  | { readonly kind: 'container'; readonly description: string; start(): Promise<KurrentDbServer> }
  | { readonly kind: 'unavailable'; readonly reason: string };

export interface KurrentDbServer {
  readonly connectionString: string;
  stop(): Promise<void>;
}

const DEFAULT_IMAGE = 'docker.kurrent.io/kurrent-latest/kurrentdb:25.0';
// A runtime that is there answers in milliseconds; one that is not must not hold the run up.
const DETECT_TIMEOUT_MS = 5_000;
const STARTUP_TIMEOUT_MS = 240_000;
const LEADER_TIMEOUT_MS = 60_000;

export async function findKurrentDb(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<KurrentDbTarget> {
  const external = env.EVENTSTORE_CONNECTION_STRING;
  if (external) {
    return {
      kind: 'external',
      description: `EVENTSTORE_CONNECTION_STRING=${external.replace(/\/\/[^@/]*@/, '//***@')}`,
      start: async () => {
        await waitForLeader(external);
        return { connectionString: external, stop: () => Promise.resolve() };
      },
    };
  }
  const image = env.KURRENTDB_IMAGE ?? DEFAULT_IMAGE;
  // Loaded only here, so a run with a connection string never touches testcontainers.
  const testcontainers = await import('testcontainers');
  try {
    await withTimeout(testcontainers.getContainerRuntimeClient(), DETECT_TIMEOUT_MS, 'no container runtime answered');
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      kind: 'unavailable',
      reason: `no EVENTSTORE_CONNECTION_STRING and no container runtime for testcontainers (${why})`,
    };
  }
  return { kind: 'container', description: `a ${image} container`, start: () => startContainer(testcontainers, image) };
}

async function startContainer(testcontainers: typeof Testcontainers, image: string): Promise<KurrentDbServer> {
  const { GenericContainer, Wait } = testcontainers;
  // KurrentDB reads KURRENTDB_* settings, EventStoreDB up to 24.10 reads EVENTSTORE_*.
  const prefix = /kurrent/i.test(image) ? 'KURRENTDB' : 'EVENTSTORE';
  const container = await new GenericContainer(image)
    .withEnvironment({
      [`${prefix}_INSECURE`]: 'true',
      [`${prefix}_MEM_DB`]: 'true',
      [`${prefix}_RUN_PROJECTIONS`]: 'None',
      [`${prefix}_TELEMETRY_OPTOUT`]: 'true',
    })
    .withExposedPorts(2113)
    .withWaitStrategy(Wait.forHttp('/health/live', 2113))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  const connectionString = `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
  try {
    await waitForLeader(connectionString);
  } catch (error) {
    await container.stop();
    throw error;
  }
  return {
    connectionString,
    stop: async () => {
      await container.stop();
    },
  };
}

/**
 * `/health/live` answers before the node has been elected leader, and writes before that fail.
 * A leader-only read of a stream that does not exist answers "not found" only from a leader.
 */
async function waitForLeader(connectionString: string): Promise<void> {
  const client = EventStoreDBClient.connectionString(connectionString);
  const deadline = Date.now() + LEADER_TIMEOUT_MS;
  let last: unknown;
  try {
    while (Date.now() < deadline) {
      try {
        // The stream never exists: a leader answers StreamNotFoundError, anything else means "not yet".
        for await (const _ of client.readStream(`$readiness-${randomUUID()}`, {
          requiresLeader: true,
          maxCount: 1,
          deadline: 2_000,
        }))
          void _;
        return;
      } catch (error) {
        if (error instanceof StreamNotFoundError) return;
        last = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await client.dispose();
  }
  throw new Error(
    `KurrentDB at ${connectionString} did not become a writable leader within ${LEADER_TIMEOUT_MS} ms: ${String(last)}`,
  );
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
