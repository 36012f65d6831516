/** Small waiting helpers for tests against the test cluster (not a test file). */

/** Polls `check` every 20 ms until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The HTTP code of a client-node call that must fail; fails the test when it succeeds. */
export async function rejection(promise: Promise<unknown>): Promise<{ code: number }> {
  try {
    await promise;
  } catch (error) {
    return { code: (error as { code?: number }).code ?? 0 };
  }
  throw new Error('expected the request to fail');
}
