/** The timer functions, injectable so tests control time. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Collects items and hands them over in one batch at most `delayMs` after the first of them, so a burst of
 * events (a scale to 100 replicas) costs one refresh, and a steady stream still refreshes every `delayMs`.
 * Arms a timer only while something is waiting: nothing runs when nothing changes.
 */
export class Debouncer<T> {
  private items: T[] = [];
  private handle: unknown;
  private armed = false;
  private disposed = false;

  constructor(
    private readonly delayMs: number,
    private readonly flush: (items: T[]) => void,
    private readonly timers: Timers = realTimers,
  ) {}

  push(item: T): void {
    if (this.disposed) return;
    this.items.push(item);
    if (this.armed) return;
    this.armed = true;
    this.handle = this.timers.setTimeout(() => this.flushNow(), this.delayMs);
  }

  get pending(): number {
    return this.items.length;
  }

  /** Hands over what is waiting now (nothing if nothing is). */
  flushNow(): void {
    if (this.armed) this.timers.clearTimeout(this.handle);
    this.armed = false;
    if (this.items.length === 0) return;
    const batch = this.items;
    this.items = [];
    this.flush(batch);
  }

  /** Drops what is waiting (a full refresh is about to happen anyway). */
  cancel(): void {
    if (this.armed) this.timers.clearTimeout(this.handle);
    this.armed = false;
    this.items = [];
  }

  dispose(): void {
    if (this.armed) this.timers.clearTimeout(this.handle);
    this.armed = false;
    this.items = [];
    this.disposed = true;
  }
}
