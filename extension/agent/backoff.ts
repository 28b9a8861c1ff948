export interface BackoffOptions {
  /** The first delay. */
  initialMs: number;
  /** The ceiling. */
  maxMs: number;
  /** Growth per failed attempt. */
  factor: number;
  /** 0..1: each delay is drawn from [delay * (1 - jitter), delay]. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 30_000, factor: 2, jitter: 0.2 };

/** Exponential reconnect delays with jitter; `reset()` after a connection that held. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  /** The number of delays handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    const { initialMs, maxMs, factor, jitter } = this.options;
    const base = Math.min(maxMs, initialMs * factor ** Math.min(this.attempt, 64));
    this.attempt++;
    const spread = Math.min(1, Math.max(0, jitter));
    return Math.round(base * (1 - spread * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }
}
