import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/limiter.ts
var Limiter = class {
  constructor(limit) {
    this.limit = limit;
  }
  limit;
  running = 0;
  waiting = [];
  async run(task) {
    if (this.running >= this.limit) await new Promise((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
};
async function mapLimited(items, limit, work) {
  const limiter = new Limiter(Math.max(limit, 1));
  let failed = false;
  const settled = await Promise.allSettled(
    items.map(
      (item, index) => limiter.run(async () => {
        if (failed) throw new NotStarted();
        try {
          return await work(item, index);
        } catch (error) {
          failed = true;
          throw error;
        }
      })
    )
  );
  const failure = settled.find(
    (s) => s.status === "rejected" && !(s.reason instanceof NotStarted)
  );
  if (failure) throw failure.reason;
  return settled.map((s) => s.value);
}
var NotStarted = class {
};

export {
  Limiter,
  mapLimited
};
