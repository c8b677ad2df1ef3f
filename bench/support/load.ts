export interface LoadResult {
  /** Operations completed inside the measured window. */
  readonly operations: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface LoadOptions {
  /** Operations in flight at once (each worker waits for its own before starting the next). */
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** One operation by worker `worker`; its latency is the time until it resolves. */
  readonly operation: (worker: number) => Promise<unknown>;
}

/**
 * Closed-loop load: `concurrency` workers, each starting its next operation when the previous one
 * ends. Operations that end during the warm-up are not counted; the window then runs `durationMs`.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      while (performance.now() < stopAt) {
        const began = performance.now();
        await options.operation(worker);
        const ended = performance.now();
        if (began >= measureFrom && ended <= stopAt) latencies.push(ended - began);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    operations: latencies.length,
    perSecond: latencies.length / (options.durationMs / 1000),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}
