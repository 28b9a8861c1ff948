import { Readable } from 'node:stream';
import type { ContainerLogsOptions, LogLine } from '../../executor';
import { NotFoundError } from '../../util/errors';
import type { LogContext, TaskLogLine } from './framing';

/** Opens one container's log lines (the executor's `containerLogs` on the node's engine). */
export type OpenContainerLogs = (
  nodeId: string,
  containerId: string,
  options: ContainerLogsOptions,
) => Promise<Readable>;

export interface LogSource extends LogContext {
  containerId: string;
}

/** What the merged stream yields: lines, and at the end of a finite stream, what could not be read. */
export type LogItem = ({ kind: 'line' } & TaskLogLine) | { kind: 'incomplete'; reasons: string[] };

export interface MergeOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  timestamps: boolean;
  tail?: number;
  since?: number;
  /** Called as soon as a source fails (a follower never reaches the end, where failures are reported). */
  onFailure?: (reason: string) => void;
}

/**
 * Many containers' log lines as one object-mode stream, interleaved as they arrive (Docker does not sort
 * service logs either). Backpressure pauses every source. Destroying it aborts every engine stream.
 * A source whose container is gone (404) has nothing to say and is skipped; other failures are collected
 * and, once the sealed stream has read everything else, reported as one `incomplete` item.
 */
export class LogMerger extends Readable {
  private readonly abort = new AbortController();
  private readonly sources = new Map<string, Readable | undefined>();
  private readonly failures: string[] = [];
  private readonly cleanups: Array<() => void> = [];
  private open = 0;
  private sealed = false;
  private finished = false;

  constructor(
    private readonly openLogs: OpenContainerLogs,
    private readonly options: MergeOptions,
  ) {
    super({ objectMode: true });
  }

  /**
   * Starts reading a task's container, unless that task is already being read. `fromStart` ignores `tail`: a
   * container that appeared while following has all its lines to tell.
   */
  add(source: LogSource, { fromStart = false } = {}): void {
    if (this.destroyed || this.finished || this.sources.has(source.taskId)) return;
    this.sources.set(source.taskId, undefined);
    this.open++;
    void this.attach(source, fromStart ? undefined : this.options.tail);
  }

  /** No source will be added any more: the stream ends when the open ones have. */
  seal(): void {
    this.sealed = true;
    this.endIfDone();
  }

  /** Runs when the stream is destroyed (a follower's store subscription, for instance). */
  onClose(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  override _read(): void {
    for (const source of this.sources.values()) source?.resume();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.abort.abort();
    for (const source of this.sources.values()) source?.destroy();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    done(error);
  }

  private async attach(source: LogSource, tail: number | undefined): Promise<void> {
    let lines: Readable;
    try {
      lines = await this.openLogs(source.nodeId, source.containerId, {
        follow: this.options.follow,
        timestamps: this.options.timestamps,
        ...(tail !== undefined ? { tail } : {}),
        ...(this.options.since !== undefined ? { since: this.options.since } : {}),
        signal: this.abort.signal,
      });
    } catch (error) {
      this.sourceDone(source, error);
      return;
    }
    if (this.destroyed) {
      lines.destroy();
      return;
    }
    this.sources.set(source.taskId, lines);
    const context: LogContext = { nodeId: source.nodeId, serviceId: source.serviceId, taskId: source.taskId };
    lines.on('data', (line: LogLine) => {
      if (line.stream === 'stdout' ? !this.options.stdout : !this.options.stderr) return;
      const item: LogItem = { kind: 'line', context, stream: line.stream, line: line.line };
      if (line.timestamp !== undefined) item.timestamp = line.timestamp;
      if (!this.push(item)) for (const s of this.sources.values()) s?.pause();
    });
    lines.once('error', (error) => this.sourceDone(source, error));
    lines.once('end', () => this.sourceDone(source, undefined));
  }

  private sourceDone(source: LogSource, error: unknown): void {
    if (this.destroyed) return;
    this.open--;
    if (error !== undefined && !(error instanceof NotFoundError) && !this.abort.signal.aborted) {
      const reason = `task ${source.taskId} on node ${source.nodeId}: ${(error as Error).message}`;
      this.failures.push(reason);
      this.options.onFailure?.(reason);
    }
    this.endIfDone();
  }

  private endIfDone(): void {
    if (!this.sealed || this.open > 0 || this.finished || this.destroyed) return;
    this.finished = true;
    if (this.failures.length > 0)
      this.push({ kind: 'incomplete', reasons: [...this.failures] } satisfies LogItem);
    this.push(null);
  }
}
