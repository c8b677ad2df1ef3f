/** The code and message a token check was refused with; fails the test when it was not refused. */
export async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code?: string; message?: string } | undefined;
  if (!error) throw new Error('expected the token to be refused');
  return { code: error.code ?? 'none', message: error.message ?? '' };
}
