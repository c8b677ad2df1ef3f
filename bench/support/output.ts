/**
 * The bench output contract (docs/contract.md section 8): one JSON object per line on stdout and
 * nothing else there; progress goes to stderr.
 */
export interface BenchResult {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** The system measured side by side in the same run, and its figure; only where one ran. */
  readonly peer?: string;
  readonly peerValue?: number;
  /** Samples behind the value (operations timed). */
  readonly n: number;
  readonly conditions: string;
}

export function emit(result: BenchResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** A bench as the dispatcher runs it. */
export interface Bench {
  run(): Promise<void>;
}

/** Rounds for output: 3 significant digits are all a 2-core shared machine can vouch for. */
export const round = (value: number): number => (value === 0 ? 0 : Number(value.toPrecision(3)));
