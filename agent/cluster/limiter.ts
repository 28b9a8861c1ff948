export const DEFAULT_NODE_CONCURRENCY = 8;

interface Waiter {
  grant(): void;
}

/** A counting semaphore: at most `capacity` tasks run at once; the rest wait in FIFO order. */
export class Limiter {
  private running = 0;
  private readonly queue = new Set<Waiter>();

  constructor(readonly capacity = DEFAULT_NODE_CONCURRENCY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`concurrency limit must be a whole number ≥ 1, got ${String(capacity)}`);
    }
  }

  get active(): number {
    return this.running;
  }

  get waiting(): number {
    return this.queue.size;
  }

  /** Runs `fn` when a slot is free. If `signal` aborts while waiting, rejects with its reason and never runs `fn`. */
  async run<R>(fn: () => Promise<R>, signal?: AbortSignal): Promise<R> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.running < this.capacity) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.queue.delete(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.add(waiter);
    });
  }

  private release(): void {
    const next = this.queue.values().next();
    if (next.done) {
      this.running--;
      return;
    }
    // The slot passes straight to the next waiter, so `running` stays the same.
    this.queue.delete(next.value);
    next.value.grant();
  }
}
