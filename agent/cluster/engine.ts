import type Docker from 'dockerode';
import { ShoalError, UnavailableError } from '../util/errors';
import { Limiter } from './limiter';
import type { EngineClient } from './types';

export const DEFAULT_CALL_DEADLINE_MS = 10_000;

export interface DeadlineEngineClientOptions {
  nodeId: string;
  /** How errors name the engine, e.g. `node node1 (p4kq…)` or `engine at unix:///run/docker.sock`. */
  label: string;
  docker: Docker;
  limiter?: Limiter;
  deadlineMs?: number;
}

/**
 * Every call races a timer: when it fires the request is aborted and the caller gets an UnavailableError at
 * once, even if the socket ignores the abort. The limiter slot is held until the call really settles, so
 * hung requests to one engine are capped at its concurrency limit and never pile up.
 */
export class DeadlineEngineClient implements EngineClient {
  readonly nodeId: string;
  readonly label: string;
  readonly docker: Docker;
  readonly limiter: Limiter;
  readonly deadlineMs: number;

  constructor(options: DeadlineEngineClientOptions) {
    this.nodeId = options.nodeId;
    this.label = options.label;
    this.docker = options.docker;
    this.limiter = options.limiter ?? new Limiter();
    this.deadlineMs = validDeadline(options.deadlineMs ?? DEFAULT_CALL_DEADLINE_MS);
  }

  /** The same engine under another name (after `add` learns the hostname), sharing dockerode and limiter. */
  relabel(nodeId: string, label: string): DeadlineEngineClient {
    return new DeadlineEngineClient({
      nodeId,
      label,
      docker: this.docker,
      limiter: this.limiter,
      deadlineMs: this.deadlineMs,
    });
  }

  call<R>(
    what: string,
    fn: (docker: Docker, signal: AbortSignal) => Promise<R>,
    deadlineMs?: number,
  ): Promise<R> {
    return this.run(what, fn, deadlineMs, true);
  }

  /**
   * Like {@link call} but outside the concurrency limit: for heartbeats and the event stream, which must
   * not queue behind slow calls (a busy engine is not a dead one).
   */
  probe<R>(
    what: string,
    fn: (docker: Docker, signal: AbortSignal) => Promise<R>,
    deadlineMs?: number,
  ): Promise<R> {
    return this.run(what, fn, deadlineMs, false);
  }

  private async run<R>(
    what: string,
    fn: (docker: Docker, signal: AbortSignal) => Promise<R>,
    deadlineMs: number | undefined,
    limited: boolean,
  ): Promise<R> {
    const ms = validDeadline(deadlineMs ?? this.deadlineMs);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new UnavailableError(`${this.label}: ${what} got no answer within ${ms} ms`);
        controller.abort(error);
        reject(error);
      }, ms);
    });
    const work = limited
      ? this.limiter.run(() => fn(this.docker, controller.signal), controller.signal)
      : fn(this.docker, controller.signal);
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      throw this.translate(what, error, controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Connection failures (no socket, refused, reset, TLS or ssh errors) become UnavailableError naming the
   * engine and the call. Engine answers (HTTP errors with `statusCode`) pass through for the caller to read.
   */
  private translate(what: string, error: unknown, signal: AbortSignal): unknown {
    if (signal.aborted && signal.reason instanceof ShoalError) return signal.reason;
    if (error instanceof ShoalError || !(error instanceof Error)) return error;
    if (typeof (error as { statusCode?: unknown }).statusCode === 'number') return error;
    const { code, level } = error as { code?: unknown; level?: unknown };
    if (typeof code !== 'string' && typeof level !== 'string') return error;
    const unavailable = new UnavailableError(`${this.label}: ${what} failed: ${error.message}`);
    unavailable.cause = error;
    return unavailable;
  }
}

function validDeadline(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0)
    throw new RangeError(`deadline must be a positive number of ms, got ${ms}`);
  return ms;
}
