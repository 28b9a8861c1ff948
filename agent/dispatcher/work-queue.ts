/** What one run of a task's work came to. */
export type WorkOutcome =
  /** Nothing more to do until something changes (a store or engine event enqueues it again). */
  | 'done'
  /** A transient failure (engine unreachable, deadline): run again later, with backoff. */
  | 'retry';

export interface WorkQueueOptions {
  /** Tasks worked on at once per lane (node). */
  concurrency: number;
  run(key: string, lane: string): Promise<WorkOutcome>;
  /** Called when `run` throws; the key is then treated as 'retry'. */
  onError(key: string, lane: string, error: unknown): void;
  minRetryMs?: number;
  maxRetryMs?: number;
}

interface KeyState {
  lane: string;
  running: boolean;
  queued: boolean;
  /** Enqueued again while running: run once more when this run ends. */
  dirty: boolean;
  failures: number;
  retryTimer: NodeJS.Timeout | undefined;
}

interface Lane {
  running: number;
  ready: string[];
}

/**
 * Per-lane bounded work queues keyed by task: at most `concurrency` keys run at once per lane, a key never
 * runs twice at once (an enqueue while it runs makes it run again afterwards), and one lane's slow work never
 * holds up another lane. Failed runs come back after an exponential backoff, not in a tight loop.
 */
export class WorkQueue {
  private readonly keys = new Map<string, KeyState>();
  private readonly lanes = new Map<string, Lane>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly minRetryMs: number;
  private readonly maxRetryMs: number;
  private active = 0;
  private stopped = false;

  constructor(private readonly options: WorkQueueOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be a whole number ≥ 1, got ${options.concurrency}`);
    }
    this.minRetryMs = options.minRetryMs ?? 1_000;
    this.maxRetryMs = options.maxRetryMs ?? 30_000;
  }

  enqueue(key: string, lane: string): void {
    if (this.stopped) return;
    const state = this.stateOf(key, lane);
    if (state.running) {
      state.dirty = true;
      return;
    }
    if (state.queued) return;
    clearTimeout(state.retryTimer);
    state.retryTimer = undefined;
    state.queued = true;
    this.active++;
    this.laneOf(state.lane).ready.push(key);
    this.pump(state.lane);
  }

  /** Drops a key's pending retry and bookkeeping (its task is gone). A run in progress finishes. */
  forget(key: string): void {
    const state = this.keys.get(key);
    if (!state || state.running || state.queued) return;
    clearTimeout(state.retryTimer);
    this.keys.delete(key);
  }

  /** Keys queued or running right now. */
  get pending(): number {
    return this.active;
  }

  /** Resolves when nothing is queued or running. Pending retries (timers) do not count. */
  idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking work and cancels retries; resolves when the runs in progress have ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const state of this.keys.values()) {
      clearTimeout(state.retryTimer);
      if (state.queued) {
        state.queued = false;
        this.active--;
      }
    }
    for (const lane of this.lanes.values()) lane.ready.length = 0;
    this.settleIdle();
    await this.idle();
  }

  private stateOf(key: string, lane: string): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      state = { lane, running: false, queued: false, dirty: false, failures: 0, retryTimer: undefined };
      this.keys.set(key, state);
    }
    return state;
  }

  private laneOf(name: string): Lane {
    let lane = this.lanes.get(name);
    if (!lane) this.lanes.set(name, (lane = { running: 0, ready: [] }));
    return lane;
  }

  private pump(laneName: string): void {
    const lane = this.laneOf(laneName);
    while (!this.stopped && lane.running < this.options.concurrency) {
      const key = lane.ready.shift();
      if (key === undefined) break;
      const state = this.keys.get(key);
      if (!state?.queued) continue;
      state.queued = false;
      state.running = true;
      lane.running++;
      void this.runOne(key, state, lane);
    }
  }

  private async runOne(key: string, state: KeyState, lane: Lane): Promise<void> {
    let outcome: WorkOutcome;
    try {
      outcome = await this.options.run(key, state.lane);
    } catch (error) {
      this.options.onError(key, state.lane, error);
      outcome = 'retry';
    }
    state.running = false;
    lane.running--;
    this.active--;
    if (this.stopped) {
      this.settleIdle();
      return;
    }
    if (state.dirty) {
      // Something changed while it ran: look again now, whatever this run concluded.
      state.dirty = false;
      this.enqueue(key, state.lane);
    } else if (outcome === 'retry') {
      this.scheduleRetry(key, state);
    } else {
      state.failures = 0;
      this.keys.delete(key);
    }
    this.pump(state.lane);
    this.settleIdle();
  }

  private scheduleRetry(key: string, state: KeyState): void {
    const delay = Math.min(this.maxRetryMs, this.minRetryMs * 2 ** state.failures);
    state.failures = Math.min(state.failures + 1, 20);
    state.retryTimer = setTimeout(() => {
      state.retryTimer = undefined;
      this.enqueue(key, state.lane);
    }, delay);
    state.retryTimer.unref();
  }

  private settleIdle(): void {
    if (this.active !== 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
