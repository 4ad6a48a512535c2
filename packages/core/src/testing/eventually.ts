/**
 * Polls `check` until it passes: returns without throwing and not `false`.
 * Past `timeoutMs` the last error is thrown (or one naming `what`). Resolves
 * with how long it took, for tests that assert a bound on it.
 */
export async function eventually(check: () => unknown, timeoutMs = 2000, what = 'condition'): Promise<number> {
  const started = Date.now();
  for (;;) {
    let failure: unknown;
    try {
      if ((await check()) !== false) return Date.now() - started;
      failure = new Error(`${what}: not met within ${timeoutMs}ms`);
    } catch (err) {
      failure = err;
    }
    if (Date.now() - started > timeoutMs) throw failure;
    await new Promise((r) => setTimeout(r, 20));
  }
}
