/** Bounded concurrency for I/O: uploads, downloads, layers written side by side. */

/** Runs at most `limit` tasks at once, the rest in arrival order. */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * Like Promise.all over `items`, with at most `limit` running; results keep the items' order. On the
 * first failure no new item starts, and the running ones are waited for (so they clean up their
 * temporary files) before the failure is thrown.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const limiter = new Limiter(Math.max(limit, 1));
  let failed = false;
  const settled = await Promise.allSettled(
    items.map((item, index) =>
      limiter.run(async () => {
        if (failed) throw new NotStarted();
        try {
          return await work(item, index);
        } catch (error) {
          failed = true;
          throw error;
        }
      }),
    ),
  );
  // The first failure in time is the cause; items refused after it only say they did not start.
  const failure = settled.find(
    (s): s is PromiseRejectedResult => s.status === 'rejected' && !(s.reason instanceof NotStarted),
  );
  if (failure) throw failure.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}

/** An item skipped because an earlier one failed; never reaches the caller. */
class NotStarted {}
