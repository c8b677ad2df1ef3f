/**
 * Runs `run` and records what would end the process meanwhile: an 'error' event nobody hears
 * (pg emits one when a connection ends under its client) surfaces as an uncaught exception.
 * Waits `settleMs` after `run` settles: the connection's end comes just after its query failed.
 */
export async function settledWithoutUncaught<T>(
  run: () => Promise<T>,
  settleMs = 300,
): Promise<{ result: PromiseSettledResult<T>; uncaught: unknown[] }> {
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  process.prependListener('uncaughtException', record);
  try {
    const [result] = await Promise.allSettled([run()]);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return { result: result, uncaught };
  } finally {
    process.off('uncaughtException', record);
  }
}
