import type { LatencySummary } from './protocol.ts';

/** Nearest-rank percentiles of `samples` (sorted in place). */
export function summarise(samples: number[]): LatencySummary {
  samples.sort((a, b) => a - b);
  const at = (q: number): number =>
    samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)] ?? Number.NaN;
  return { n: samples.length, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: samples.at(-1) ?? Number.NaN };
}
